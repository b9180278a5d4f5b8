/** Hands `blob` to the browser as a download named `fileName` (the browser's own save flow). */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.rel = "noopener";
  document.body.append(link);
  link.click();
  link.remove();
  // After the click has started the download: revoking at once can cancel it in some browsers.
  window.setTimeout(() => URL.revokeObjectURL(url), 1000);
}
