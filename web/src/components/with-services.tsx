import type { ReactNode } from "react";
import type { ServiceInfo } from "../keyhaven";
import { useServices } from "../hooks/use-services";
import { ErrorState } from "./error-state";
import { LoadingState } from "./loading-state";

/** Renders `children` with the service catalog once it is there; a loading or error state before. */
export function WithServices({ children }: { children: (services: ServiceInfo[]) => ReactNode }) {
  const services = useServices();
  if (services.data) return <>{children(services.data)}</>;
  if (services.error) return <ErrorState title="Couldn't load the services" error={services.error} onRetry={() => void services.refetch()} />;
  return <LoadingState label="Loading services…" />;
}
