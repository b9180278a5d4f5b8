import { UserPlus } from "lucide-react";
import { useState, type FormEvent } from "react";
import { AppLink } from "../components/app-link";
import { AccountSubmit, useAccountCheck } from "../components/account-form";
import { AuthLayout } from "../components/auth-layout";
import { TextField } from "../components/text-field";
import { useAuthActions } from "../hooks/use-session";
import { PASSWORD_MIN } from "../lib/account-fields";
import { navigate, safeNext, useLocation } from "../router";

export function SignUpPage() {
  const { signUp } = useAuthActions();
  const { search } = useLocation();
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const { errors, check } = useAccountCheck("sign-up");
  const next = safeNext(search.get("next"));

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!check({ name, email, password })) return;
    signUp.mutate({ name: name.trim(), email: email.trim(), password }, { onSuccess: () => navigate(next, { replace: true }) });
  }

  return (
    <AuthLayout
      title="Create your account"
      subtitle="Keep your AI keys encrypted, tested and out of .env files."
      footer={
        <>
          Already have an account? <AppLink to="/sign-in" className="link">Sign in</AppLink>
        </>
      }
    >
      <form className="auth__form" onSubmit={submit} noValidate aria-busy={signUp.isPending}>
        <TextField id="sign-up-name" label="Name" error={errors.name} autoComplete="name" value={name} onValueChange={setName} />
        <TextField id="sign-up-email" label="Email" error={errors.email} type="email" autoComplete="email" value={email} onValueChange={setEmail} />
        <TextField
          id="sign-up-password"
          label="Password"
          hint={`At least ${PASSWORD_MIN} characters.`}
          error={errors.password}
          secret
          autoComplete="new-password"
          value={password}
          onValueChange={setPassword}
        />
        <AccountSubmit pending={signUp.isPending} error={signUp.error} icon={UserPlus} label="Create account" />
      </form>
    </AuthLayout>
  );
}
