import { useAppStore } from '../../state/app-store';
import { Section } from './Section';
import { SettingField, type Options } from './SettingField';

const SANDBOXES: Options = [
  ['docker', 'Docker container (isolated)'],
  ['local', 'Local Python in an OS sandbox (bubblewrap / Seatbelt)'],
  ['local-unisolated', 'Local Python, NOT isolated'],
];
const NETWORKS: Options = [
  ['none', 'None (recommended)'],
  ['bridge', 'Bridge (internet access)'],
];

export function SandboxSection() {
  const docker = useAppStore((s) => s.info?.docker);
  return (
    <Section id="sandbox" title="Sandbox" intro="Where the agent's commands run, for runs that do not say.">
      <div className="form">
        <SettingField name="defaultSandbox" label="Default sandbox" options={SANDBOXES} />
        <SettingField
          name="defaultNetwork"
          label="Sandbox network"
          options={NETWORKS}
          hint="Without a network the agent cannot download anything; the data it needs is given to it."
        />
        <SettingField
          name="forceCpu"
          label="Force CPU"
          hint="Never request a GPU, even where one is available."
        />
        <span className="label">Docker</span>
        <div data-testid="docker-status">
          {!docker ? (
            <span className="hint">Unknown.</span>
          ) : docker.available ? (
            <span className="badge ok">daemon {docker.version ?? ''} answers</span>
          ) : (
            <>
              <span className="badge warn">not available</span>
              <p className="hint">{docker.error}</p>
            </>
          )}
        </div>
      </div>
    </Section>
  );
}
