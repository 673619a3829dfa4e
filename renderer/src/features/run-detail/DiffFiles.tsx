import { useMemo } from 'react';
import { Diff, Hunk, parseDiff } from 'react-diff-view';
import 'react-diff-view/style/index.css';

/** git's unified diff as react-diff-view renders it: one block per file, with its path and kind. Loaded by DiffView.tsx. */
export default function DiffFiles({ text }: { text: string }) {
  const files = useMemo(() => {
    try {
      return parseDiff(text, { nearbySequences: 'zip' });
    } catch {
      return null;
    }
  }, [text]);
  if (!files) return <pre className="diff-raw">{text}</pre>;
  if (files.length === 0) return <p className="hint">The commit changed no files.</p>;
  return (
    <div className="diff-files" data-testid="diff">
      {files.map((file) => {
        const name = file.type === 'delete' ? file.oldPath : file.newPath;
        return (
          <section
            key={`${file.oldRevision}-${file.newRevision}-${name}`}
            className="diff-file"
            aria-label={`Changes to ${name}`}
          >
            <h4 className="diff-file-name">
              <code>{name}</code>{' '}
              <span className="hint small">
                {file.type === 'add'
                  ? 'new file'
                  : file.type === 'delete'
                    ? 'deleted'
                    : file.type === 'rename'
                      ? `renamed from ${file.oldPath}`
                      : 'modified'}
              </span>
            </h4>
            {file.hunks.length === 0 ? (
              <p className="hint small">Binary or mode-only change.</p>
            ) : (
              <Diff viewType="unified" diffType={file.type} hunks={file.hunks}>
                {(hunks) => hunks.map((hunk) => <Hunk key={hunk.content} hunk={hunk} />)}
              </Diff>
            )}
          </section>
        );
      })}
    </div>
  );
}
