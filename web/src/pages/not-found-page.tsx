import { Compass } from "lucide-react";
import { AppLink } from "../components/app-link";
import { EmptyState } from "../components/empty-state";

export function NotFoundPage() {
  return (
    <EmptyState icon={<Compass size={28} />} title="Nothing here">
      <p className="state__text">
        That page doesn't exist. <AppLink to="/keys" className="link">Go to your API keys</AppLink>
      </p>
    </EmptyState>
  );
}
