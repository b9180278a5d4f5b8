import { Asterisk, Cloud, Gem, Globe, Sparkles, X, Zap, type LucideIcon } from "lucide-react";
import type { ServiceId } from "../keyhaven";

const ICONS: Record<ServiceId, { Icon: LucideIcon; tone: string }> = {
  openai: { Icon: Sparkles, tone: "openai" },
  anthropic: { Icon: Asterisk, tone: "anthropic" },
  google: { Icon: Gem, tone: "google" },
  groq: { Icon: Zap, tone: "groq" },
  xai: { Icon: X, tone: "xai" },
  aws: { Icon: Cloud, tone: "aws" },
  custom: { Icon: Globe, tone: "custom" },
};

/** A small tinted tile per service; decorative, the label is always written next to it. */
export function ServiceIcon({ service, size = "md" }: { service: ServiceId; size?: "sm" | "md" }) {
  const { Icon, tone } = ICONS[service] ?? ICONS.custom;
  return (
    <span className={`service-icon service-icon--${tone} service-icon--${size}`} aria-hidden="true">
      <Icon size={size === "sm" ? 14 : 18} strokeWidth={2.2} />
    </span>
  );
}
