import { useEffect } from 'react';
import { host } from '../../host';
import { useRoute } from '../../state/route';
import { droppedItems, useDropStore, type DropNotice } from './store';

const carriesFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') === true;

/**
 * Drops anywhere on the window: an overlay while files are dragged over it, the drop handed to the drop store,
 * and what it said. Without this, a file dropped outside a drop zone would make the window navigate to it.
 * Keyboard users lose nothing: the dataset path is typed, or picked with Browse where the host has a dialog.
 */
export function DropLayer() {
  const dragging = useDropStore((s) => s.dragging);
  const route = useRoute();

  useEffect(() => {
    const { setDragging, drop } = useDropStore.getState();
    // dragenter/dragleave fire for every element crossed: count them, so the overlay does not flicker.
    let depth = 0;
    const enter = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      depth += 1;
      setDragging(true);
    };
    const leave = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const over = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const onDrop = (e: DragEvent) => {
      if (e.defaultPrevented || !carriesFiles(e)) return;
      e.preventDefault();
      void drop(droppedItems(e.dataTransfer));
    };
    const end = () => {
      depth = 0;
      setDragging(false);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('dragover', over);
    window.addEventListener('drop', onDrop);
    // Every drop ends the drag, also one a drop zone handles and stops before it bubbles here.
    window.addEventListener('drop', end, true);
    window.addEventListener('dragend', end);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', onDrop);
      window.removeEventListener('drop', end, true);
      window.removeEventListener('dragend', end);
    };
  }, []);

  return (
    <>
      {dragging && (
        // Pointer feedback only: it lets every event through to the page below (pointer-events: none).
        <div className="drop-overlay" data-testid="drop-overlay" aria-hidden="true">
          <div className="drop-overlay-box">
            <strong>Drop a dataset folder or a project.yaml</strong>
            <span>
              {host
                ? 'A folder opens New run with its preview; a project.yaml fills the form.'
                : 'A project.yaml fills the New run form. A folder’s path must be typed: a browser cannot see where it lives.'}
            </span>
          </div>
        </div>
      )}
      {/* On New run the dataset's drop zone says it, next to the path field. */}
      {route.id !== 'new' && <DropNoticeView />}
    </>
  );
}

/** What the last drop said, with a way to dismiss it. */
export function DropNoticeView({ inline = false }: { inline?: boolean }) {
  const notice: DropNotice | null = useDropStore((s) => s.notice);
  const dismiss = useDropStore((s) => s.dismiss);
  if (!notice) return null;
  return (
    <div
      className={`drop-notice ${notice.kind}${inline ? ' inline' : ''}`}
      role={notice.kind === 'error' ? 'alert' : 'status'}
      data-testid="drop-notice"
    >
      <span>{notice.text}</span>
      <button type="button" className="link" onClick={dismiss} aria-label="Dismiss this message">
        Dismiss
      </button>
    </div>
  );
}
