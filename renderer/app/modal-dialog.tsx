import { useEffect, useId, type ReactNode } from 'react';
import './modal-dialog.css';

/**
 * A modal dialog: role=dialog named by its title, Escape cancels. Rendered in place (no portal)
 * so tests and screen readers find it by role. `wide` for dialogs that hold tables.
 */
export function ModalDialog({
  title,
  children,
  onCancel,
  wide,
}: {
  title: string;
  children: ReactNode;
  onCancel: () => void;
  wide?: boolean;
}) {
  const titleId = useId();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onCancel();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onCancel]);
  return (
    <div className="modal-overlay">
      <div
        className={wide ? 'modal-dialog wide' : 'modal-dialog'}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
      >
        <h2 id={titleId}>{title}</h2>
        {children}
      </div>
    </div>
  );
}
