import { Download, Upload } from "lucide-react";
import { useState } from "react";
import { ExportKeysDialog, type KeysOwner } from "./export-keys-dialog";
import { ImportKeysDialog } from "./import-keys-dialog";

interface Props extends KeysOwner {
  canExport: boolean;
  canImport: boolean;
  onNotice: (message: string) => void;
}

/** "Import keys" and "Export … keys" for a keys page's header, each with its dialog; only what the viewer may do. */
export function KeyFileActions({ team, canExport, canImport, onNotice }: Props) {
  const [dialog, setDialog] = useState<"export" | "import" | null>(null);
  const openChange = (which: "export" | "import") => (open: boolean) => setDialog(open ? which : null);
  return (
    <>
      {canImport && (
        <button type="button" className="btn btn--secondary" onClick={() => setDialog("import")}>
          <Upload size={16} aria-hidden="true" />
          Import keys
        </button>
      )}
      {canExport && (
        <button type="button" className="btn btn--secondary" onClick={() => setDialog("export")}>
          <Download size={16} aria-hidden="true" />
          {team ? "Export team keys" : "Export my keys"}
        </button>
      )}
      {canExport && <ExportKeysDialog team={team} open={dialog === "export"} onOpenChange={openChange("export")} onExported={(name) => onNotice(`Downloaded ${name}`)} />}
      {canImport && (
        <ImportKeysDialog
          team={team}
          open={dialog === "import"}
          onOpenChange={openChange("import")}
          onImported={(n) => onNotice(`Imported ${n} key${n === 1 ? "" : "s"}`)}
        />
      )}
    </>
  );
}
