/** Shown on every page while the portal talks to the Azure emulator, so nobody mistakes it for Azure. */
export function DemoBanner({ emulatorUrl }: { emulatorUrl: string }) {
  return (
    <section
      aria-label="Simulated Azure"
      className="bg-amber-300 px-4 py-2 text-center text-sm text-amber-950"
    >
      <strong className="font-semibold">Simulated Azure.</strong> This is a demo: every Azure call goes to the
      local Azure emulator at <span className="font-mono">{emulatorUrl}</span>, not to Microsoft. Nothing here
      touches a real tenant.
    </section>
  );
}
