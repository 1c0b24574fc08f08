import {
  Alert,
  AlertActionLink,
  Button,
  EmptyState,
  EmptyStateActions,
  EmptyStateBody,
  EmptyStateFooter,
  Flex,
  FlexItem,
  PageSection,
  Stack,
  StackItem,
  Title,
} from '@patternfly/react-core';
import { CubesIcon, ServerIcon } from '@patternfly/react-icons';
import type { BaseImage } from '../../../api/images-api';
import { useClient } from '../../app/client-context';
import { errorMessage, notify } from '../../app/notifications';
import { useIsAdmin } from '../../app/user-context';
import { useAppStore } from '../../state/app-store';
import { isSignedOut, LoadingState, RequestFailedState } from '../view-states';
import { imagesByHost, type HostImages } from './images-by-host';
import { ImagesTable } from './images-table';
import { UploadForm } from './upload-form';
import { useImages } from './use-images';
import './images.css';

/**
 * Base images: the volumes clusters are cloned from, per host, with how each boots; upload a new
 * one from this computer with progress, or remove one no clone uses. The administrator sees every
 * candidate volume and marks the ones clusters may be cloned from; a plain user sees the marked
 * ones only.
 */
export function ImagesView() {
  const client = useClient();
  const isAdmin = useIsAdmin();
  const { images, pools, hosts, loadError, reload } = useImages();
  const hostName = (id: string) => hosts.find((h) => h.id === id)?.name ?? id;

  const remove = async (image: BaseImage): Promise<boolean> => {
    const host = hostName(image.hostId);
    try {
      await client.images.remove({ hostId: image.hostId, pool: image.pool, name: image.name });
      notify({ variant: 'success', title: `Removed ${image.name} from ${host}` });
      reload();
      return true;
    } catch (err) {
      notify({
        variant: 'danger',
        title: `Could not remove ${image.name} from ${host}`,
        detail: `${errorMessage(err)}. An image a cluster still uses stays; delete those clusters first, or check that ${host} is online.`,
      });
      return false;
    }
  };

  const setMarked = async (image: BaseImage, marked: boolean) => {
    const host = hostName(image.hostId);
    const ref = { hostId: image.hostId, pool: image.pool, name: image.name };
    try {
      await (marked ? client.images.mark(ref) : client.images.unmark(ref));
      notify({
        variant: 'success',
        title: marked
          ? `${image.name} on ${host} is now a base image`
          : `${image.name} on ${host} is no longer a base image`,
        detail: marked
          ? 'New clusters may be cloned from it.'
          : 'Existing clusters keep running; new ones cannot use it.',
      });
      reload();
    } catch (err) {
      notify({
        variant: 'danger',
        title: `Could not ${marked ? 'mark' : 'unmark'} ${image.name} on ${host}`,
        detail: `${errorMessage(err)}. Refresh the list and try again.`,
      });
    }
  };

  const groups = images ? imagesByHost(images, hosts) : [];
  return (
    <PageSection aria-labelledby="view-title" className="images-view">
      <Stack hasGutter>
        <StackItem>
          <Flex alignItems={{ default: 'alignItemsCenter' }} gap={{ default: 'gapMd' }}>
            <FlexItem>
              <Title headingLevel="h1" id="view-title">
                Images
              </Title>
            </FlexItem>
            <FlexItem>
              <Button variant="secondary" onClick={reload}>
                Refresh
              </Button>
            </FlexItem>
          </Flex>
        </StackItem>
        {loadError !== undefined && (!images || isSignedOut(loadError)) && (
          <StackItem>
            <RequestFailedState what="the images" error={loadError} onRetry={reload} />
          </StackItem>
        )}
        {loadError !== undefined && images && !isSignedOut(loadError) && (
          <StackItem>
            <Alert
              variant="danger"
              isInline
              title="Could not refresh the images"
              actionLinks={<AlertActionLink onClick={reload}>Try again</AlertActionLink>}
            >
              {errorMessage(loadError)}. The list below may be out of date.
            </Alert>
          </StackItem>
        )}
        {!images && loadError === undefined && (
          <StackItem>
            <LoadingState what="the images" />
          </StackItem>
        )}
        {images && hosts.length === 0 && (
          <StackItem>
            <NoHosts isAdmin={isAdmin} />
          </StackItem>
        )}
        {images && images.length === 0 && hosts.length > 0 && (
          <StackItem>
            <NoImages isAdmin={isAdmin} />
          </StackItem>
        )}
        {images &&
          images.length > 0 &&
          groups.map((g) => (
            <StackItem key={g.hostId}>
              <HostSection
                group={g}
                isAdmin={isAdmin}
                onMark={(image, marked) => void setMarked(image, marked)}
                onRemove={remove}
              />
            </StackItem>
          ))}
        {images && images.length > 0 && (
          <StackItem>
            <DownHosts groups={groups} />
          </StackItem>
        )}
        <StackItem>
          <UploadForm hosts={hosts} pools={pools} onUploaded={reload} />
        </StackItem>
      </Stack>
    </PageSection>
  );
}

/** One online host's images (down hosts are listed together below). */
function HostSection({
  group,
  isAdmin,
  onMark,
  onRemove,
}: {
  group: HostImages;
  isAdmin: boolean;
  onMark: (image: BaseImage, marked: boolean) => void;
  onRemove: (image: BaseImage) => Promise<boolean>;
}) {
  if (!group.online) return null;
  const titleId = `images-host-${group.hostId}`;
  return (
    <section aria-labelledby={titleId}>
      <Title headingLevel="h2" size="lg" id={titleId}>
        {group.hostName}
      </Title>
      {group.images.length === 0 ? (
        <p className="images-muted">
          {isAdmin
            ? `No image volumes on ${group.hostName} yet. Upload one below.`
            : `No base images on ${group.hostName}.`}
        </p>
      ) : (
        <ImagesTable
          host={group.hostName}
          images={group.images}
          isAdmin={isAdmin}
          onMark={onMark}
          onRemove={onRemove}
        />
      )}
    </section>
  );
}

/** Hosts that are down: their images cannot be listed until they are back. */
function DownHosts({ groups }: { groups: HostImages[] }) {
  const show = useAppStore((s) => s.show);
  const down = groups.filter((g) => !g.online);
  if (down.length === 0) return null;
  const names = down.map((g) => g.hostName).join(', ');
  return (
    <Alert
      variant="warning"
      isInline
      title={
        down.length === 1
          ? `${names} is not connected: its images are not listed`
          : `${names} are not connected: their images are not listed`
      }
      actionLinks={
        <AlertActionLink onClick={() => show('hosts')}>Open the Hosts view</AlertActionLink>
      }
    >
      Reconnect it in the Hosts view; its images appear here once it is online.
    </Alert>
  );
}

/** No host at all: images live on hosts, so that comes first. */
function NoHosts({ isAdmin }: { isAdmin: boolean }) {
  const show = useAppStore((s) => s.show);
  return (
    <EmptyState headingLevel="h2" titleText="No host added yet" icon={ServerIcon}>
      <EmptyStateBody>
        {isAdmin
          ? 'Base images live on libvirt hosts. Add a host first; its image volumes appear here.'
          : 'Base images live on hosts the administrator adds and marks. Ask them to add a host.'}
      </EmptyStateBody>
      {isAdmin && (
        <EmptyStateFooter>
          <EmptyStateActions>
            <Button variant="primary" onClick={() => show('hosts')}>
              Open the Hosts view
            </Button>
          </EmptyStateActions>
        </EmptyStateFooter>
      )}
    </EmptyState>
  );
}

/** Hosts, but no image: how to get one. */
function NoImages({ isAdmin }: { isAdmin: boolean }) {
  return (
    <EmptyState headingLevel="h2" titleText="No base images yet" icon={CubesIcon}>
      <EmptyStateBody>
        {isAdmin
          ? 'No base image candidates on the online hosts yet. Upload a qcow2 or raw disk image below (choose it, or drop it on the form); tick "Mark as base image" so clusters can be cloned from it.'
          : 'No base images yet: the administrator has not marked any. Ask them to upload or mark one; it appears here at once.'}
      </EmptyStateBody>
    </EmptyState>
  );
}
