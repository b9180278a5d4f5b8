import { LogIn } from "lucide-react";
import { useState, type FormEvent } from "react";
import { AppLink } from "../components/app-link";
import { AccountSubmit, useAccountCheck } from "../components/account-form";
import { AuthLayout } from "../components/auth-layout";
import { TextField } from "../components/text-field";
import { useAuthActions } from "../hooks/use-session";
import { navigate, safeNext, useLocation } from "../router";

export function SignInPage() {
  const { signIn } = useAuthActions();
  const { search } = useLocation();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const { errors, check } = useAccountCheck("sign-in");
  const next = safeNext(search.get("next"));

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!check({ email, password })) return;
    signIn.mutate({ email: email.trim(), password }, { onSuccess: () => navigate(next, { replace: true }) });
  }

  const signUpHref = search.get("next") ? `/sign-up?next=${encodeURIComponent(next)}` : "/sign-up";
  return (
    <AuthLayout
      title="Sign in"
      subtitle="Manage the API keys your applications use."
      footer={
        <>
          New here? <AppLink to={signUpHref} className="link">Create an account</AppLink>
        </>
      }
    >
      <form className="auth__form" onSubmit={submit} noValidate aria-busy={signIn.isPending}>
        <TextField id="sign-in-email" label="Email" error={errors.email} type="email" autoComplete="email" value={email} onValueChange={setEmail} />
        <TextField
          id="sign-in-password"
          label="Password"
          error={errors.password}
          secret
          autoComplete="current-password"
          value={password}
          onValueChange={setPassword}
        />
        <AccountSubmit pending={signIn.isPending} error={signIn.error} icon={LogIn} label="Sign in" />
      </form>
    </AuthLayout>
  );
}
