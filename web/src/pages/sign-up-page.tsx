import { UserPlus } from "lucide-react";
import { useState, type FormEvent } from "react";
import { AppLink } from "../components/app-link";
import { AuthLayout } from "../components/auth-layout";
import { FormError } from "../components/form-error";
import { Spinner } from "../components/spinner";
import { TextField } from "../components/text-field";
import { useAuthActions } from "../hooks/use-session";
import { errorMessage } from "../keyhaven";
import { checkAccount, PASSWORD_MIN, type AccountErrors } from "../lib/account-fields";
import { navigate, safeNext, useLocation } from "../router";

export function SignUpPage() {
  const { signUp } = useAuthActions();
  const { search } = useLocation();
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<AccountErrors>({});
  const next = safeNext(search.get("next"));

  function submit(event: FormEvent) {
    event.preventDefault();
    const found = checkAccount({ name, email, password }, "sign-up");
    setErrors(found);
    const first = (["name", "email", "password"] as const).find((f) => found[f]);
    if (first) {
      document.getElementById(`sign-up-${first}`)?.focus();
      return;
    }
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
        <FormError message={signUp.error ? errorMessage(signUp.error) : null} />
        <button type="submit" className="btn btn--primary btn--block" disabled={signUp.isPending}>
          {signUp.isPending ? <Spinner /> : <UserPlus size={16} aria-hidden="true" />}
          Create account
        </button>
      </form>
    </AuthLayout>
  );
}
