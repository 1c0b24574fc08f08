import { Alert, AlertActionCloseButton, AlertActionLink, AlertGroup } from '@patternfly/react-core';
import { AUTO_DISMISS_MS, useNotifications } from './notifications';

/**
 * The frame's toasts: completions fade out on their own, errors stay until closed. One live
 * region, so screen readers announce each notice once.
 */
export function AppToasts() {
  const notices = useNotifications((s) => s.notices);
  const dismiss = useNotifications((s) => s.dismiss);
  return (
    <AlertGroup isToast isLiveRegion aria-label="Notifications">
      {notices.map((n) => (
        <Alert
          key={n.id}
          variant={n.variant}
          title={n.title}
          timeout={n.sticky ? false : AUTO_DISMISS_MS}
          onTimeout={() => dismiss(n.id)}
          actionClose={
            <AlertActionCloseButton
              aria-label={`Close notification: ${n.title}`}
              onClose={() => dismiss(n.id)}
            />
          }
          actionLinks={
            n.action && (
              <AlertActionLink
                onClick={() => {
                  n.action?.run();
                  dismiss(n.id);
                }}
              >
                {n.action.label}
              </AlertActionLink>
            )
          }
          data-testid="toast"
        >
          {n.detail}
        </Alert>
      ))}
    </AlertGroup>
  );
}
