import { LogIn } from "lucide-react";
import { useState, type FormEvent } from "react";
import { AppLink } from "../components/app-link";
import { AuthLayout } from "../components/auth-layout";
import { FormError } from "../components/form-error";
import { Spinner } from "../components/spinner";
import { TextField } from "../components/text-field";
import { useAuthActions } from "../hooks/use-session";
import { errorMessage } from "../keyhaven";
import { checkAccount, type AccountErrors } from "../lib/account-fields";
import { navigate, safeNext, useLocation } from "../router";

export function SignInPage() {
  const { signIn } = useAuthActions();
  const { search } = useLocation();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<AccountErrors>({});
  const next = safeNext(search.get("next"));

  function submit(event: FormEvent) {
    event.preventDefault();
    const found = checkAccount({ email, password }, "sign-in");
    setErrors(found);
    const first = (["email", "password"] as const).find((f) => found[f]);
    if (first) {
      document.getElementById(`sign-in-${first}`)?.focus();
      return;
    }
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
        <FormError message={signIn.error ? errorMessage(signIn.error) : null} />
        <button type="submit" className="btn btn--primary btn--block" disabled={signIn.isPending}>
          {signIn.isPending ? <Spinner /> : <LogIn size={16} aria-hidden="true" />}
          Sign in
        </button>
      </form>
    </AuthLayout>
  );
}
