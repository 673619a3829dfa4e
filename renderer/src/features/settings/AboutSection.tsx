import { useAppStore } from '../../state/app-store';
import { Section } from './Section';

export function AboutSection() {
  const info = useAppStore((s) => s.info);
  if (!info) return null;
  const rows: [string, string][] = [
    ['Version', `${info.name} ${info.version}`],
    [
      'Host',
      info.host === 'electron' ? 'desktop app' : info.host === 'server' ? 'browser (mle-beast serve)' : 'CLI',
    ],
    ['Platform', `${info.platform} ${info.arch}`],
    ['Node.js', info.nodeVersion],
    ['Electron', info.electronVersion ?? 'not running in Electron'],
  ];
  return (
    <Section id="about" title="About">
      <dl className="facts" data-testid="about">
        {rows.map(([label, value]) => (
          <div key={label} className="fact">
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {info.storeNotes.length > 0 && (
        <ul className="notes" aria-label="Database start-up notes">
          {info.storeNotes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
    </Section>
  );
}
