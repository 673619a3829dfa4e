import { useEffect } from 'react';
import type { SandboxImageStatus, SandboxStatus } from '../../../../engine/api';
import { fmtDate } from '../../lib/format';
import { fmtBytes } from './bytes';
import type { BuildView } from './build-view';
import { useSandboxView } from './sandbox-store';
import { RemoteState, Section } from './Section';
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
  const status = useSandboxView((s) => s.status);
  const load = useSandboxView((s) => s.load);
  const follow = useSandboxView((s) => s.follow);
  useEffect(() => {
    void load();
    return follow();
  }, [load, follow]);

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
      </div>
      <h3>This machine</h3>
      <RemoteState
        what="the sandbox status"
        status={status.status}
        error={status.error}
        retry={() => void load()}
      />
      {status.data && (
        <SandboxFacts status={status.data} refresh={() => void load()} busy={status.status === 'loading'} />
      )}
    </Section>
  );
}

function SandboxFacts({ status, refresh, busy }: { status: SandboxStatus; refresh(): void; busy: boolean }) {
  const { docker, gpu, osSandbox } = status;
  // The Docker problem is already said on its line.
  const advice = status.advice.filter((a) => a !== docker.problem?.message);
  return (
    <>
      <dl className="facts wide" data-testid="sandbox-status">
        <div className="fact">
          <dt>Docker</dt>
          <dd data-testid="docker-status">
            {docker.available ? (
              <>
                <span className="badge ok">daemon {docker.version ?? ''} answers</span>
                <span className="hint">
                  {docker.endpoint}
                  {docker.cpus ? ` · ${docker.cpus} CPUs` : ''}
                  {docker.memoryBytes ? ` · ${fmtBytes(docker.memoryBytes)} memory` : ''}
                </span>
              </>
            ) : (
              <>
                <span className="badge warn">not available</span>
                <span className="fix">{docker.problem?.message ?? `no answer at ${docker.endpoint}`}</span>
              </>
            )}
          </dd>
        </div>
        {status.images.map((image) => (
          <ImageLine key={image.tag} image={image} dockerUp={docker.available} />
        ))}
        <div className="fact">
          <dt>GPU</dt>
          <dd data-testid="gpu-status">
            {gpu.detected ? (
              <span className="badge ok">{gpu.devices.join(', ') || 'detected'}</span>
            ) : (
              <span className="badge muted">none detected</span>
            )}
            <span className="hint">{gpu.note}</span>
          </dd>
        </div>
        <div className="fact">
          <dt>OS sandbox</dt>
          <dd>
            {osSandbox.available ? (
              <span className="badge ok">{osSandbox.kind}</span>
            ) : (
              <span className="badge warn">none</span>
            )}
            <span className="hint">{osSandbox.available ? osSandbox.program : osSandbox.reason}</span>
          </dd>
        </div>
      </dl>
      {advice.length > 0 && (
        <ul className="notes" aria-label="What to do">
          {advice.map((a) => (
            <li key={a}>{a}</li>
          ))}
        </ul>
      )}
      <div className="actions">
        <button type="button" className="secondary small" onClick={refresh} disabled={busy}>
          {busy ? 'Checking…' : 'Check again'}
        </button>
      </div>
    </>
  );
}

function ImageLine({ image, dockerUp }: { image: SandboxImageStatus; dockerUp: boolean }) {
  const build = useSandboxView((s) => s.build);
  const start = useSandboxView((s) => s.startBuild);
  const mine = build && build.variant === image.variant ? build : null;
  const running = build !== null && build.finished === null && build.error === null;
  const label = `${image.variant === 'online' ? 'GPU image (needs internet)' : 'Offline CPU image'}`;
  return (
    <div className="fact">
      <dt>{image.variant === 'online' ? 'GPU image' : 'CPU image'}</dt>
      <dd data-testid={`image-${image.variant}`}>
        <code>{image.tag}</code>
        {image.present ? (
          <span className="badge ok">
            built{image.sizeBytes ? `, ${fmtBytes(image.sizeBytes)}` : ''}
            {image.createdAt ? `, ${fmtDate(image.createdAt)}` : ''}
          </span>
        ) : (
          <span className="badge muted">not built</span>
        )}
        <button
          type="button"
          className="secondary small"
          disabled={!dockerUp || running}
          onClick={() => void start(image.variant)}
          // The visible word starts the accessible name (WCAG 2.5.3): "Build" / "Build the GPU image".
          aria-label={`${image.present ? 'Rebuild' : 'Build'} the ${label}`}
        >
          {image.present ? 'Rebuild' : 'Build'}
        </button>
        {!dockerUp && <span className="hint">Start Docker to build it (or run: {image.build}).</span>}
        {mine && <BuildProgress build={mine} />}
      </dd>
    </div>
  );
}

export function BuildProgress({ build }: { build: BuildView }) {
  if (build.error) {
    return (
      <p className="field-error" role="alert">
        The build did not start: {build.error}
      </p>
    );
  }
  if (build.finished) {
    return build.finished.ok ? (
      <p className="hint" role="status" aria-live="polite">
        Built {build.finished.tag} in {Math.round(build.finished.seconds)} s.
      </p>
    ) : (
      <p className="field-error" role="alert">
        The build failed: {build.finished.error}
      </p>
    );
  }
  return (
    <div className="build-progress" data-testid="build-progress">
      <progress
        className="progress"
        max={100}
        value={build.percent ?? undefined}
        aria-label={`Building the sandbox image: ${build.phase}`}
      />
      <span className="hint">
        {build.phase}
        {build.percent !== null ? ` ${build.percent}%` : ''}
        {build.line ? ` · ${build.line}` : ''}
      </span>
    </div>
  );
}
