import { useState } from 'react';
import type { BaseImage } from '../../../api/images-api';
import { useClient } from '../../app/client-context';
import { useIsAdmin } from '../../app/user-context';
import { UploadForm } from './upload-form';
import { formatBytes } from './upload-progress';
import { useImages } from './use-images';
import './images.css';

const keyOf = (i: BaseImage) => `${i.hostId}/${i.pool}/${i.name}`;

/**
 * Base images (issue 6): the volumes clusters are cloned from, per host, with how each boots;
 * upload a new one from this computer with progress, or remove one no clone uses. The
 * administrator sees every candidate volume and marks the ones clusters may be cloned from; a
 * plain user sees the marked ones only.
 */
export function ImagesView() {
  const client = useClient();
  const isAdmin = useIsAdmin();
  const { images, pools, hosts, loadError, reload } = useImages();
  const [confirming, setConfirming] = useState<string>();
  const [error, setError] = useState<string>();
  const hostName = (id: string) => hosts.find((h) => h.id === id)?.name ?? id;

  const remove = async (image: BaseImage) => {
    setError(undefined);
    try {
      await client.images.remove({ hostId: image.hostId, pool: image.pool, name: image.name });
      setConfirming(undefined);
      reload();
    } catch (err) {
      setError(`Could not remove ${image.name}: ${(err as Error).message}`);
    }
  };

  const setMarked = async (image: BaseImage, marked: boolean) => {
    setError(undefined);
    const ref = { hostId: image.hostId, pool: image.pool, name: image.name };
    try {
      await (marked ? client.images.mark(ref) : client.images.unmark(ref));
      reload();
    } catch (err) {
      setError(`Could not ${marked ? 'mark' : 'unmark'} ${image.name}: ${(err as Error).message}`);
    }
  };

  return (
    <section aria-labelledby="view-title" className="images-view">
      <header className="images-header">
        <h1 id="view-title">Images</h1>
        <button type="button" onClick={reload}>
          Refresh
        </button>
      </header>
      {loadError && <p role="alert">Could not load the images: {loadError}</p>}
      {error && <p role="alert">{error}</p>}
      {!images && !loadError && <p>Loading…</p>}
      {images?.length === 0 && (
        <p className="muted">
          {isAdmin
            ? 'No base image candidates on the online hosts yet. Upload one below.'
            : 'No base images yet: the administrator has not marked any.'}
        </p>
      )}
      {images && images.length > 0 && (
        <table className="images-table" aria-label="Base images">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Host</th>
              <th scope="col">Pool</th>
              <th scope="col">Format</th>
              <th scope="col">Size</th>
              <th scope="col">Boot</th>
              <th scope="col">Base image</th>
              <th scope="col">
                <span className="images-sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {images.map((image) => {
              const key = keyOf(image);
              const host = hostName(image.hostId);
              return (
                <tr key={key} data-testid={`image-${host}-${image.name}`}>
                  <th scope="row">{image.name}</th>
                  <td>{host}</td>
                  <td>{image.pool}</td>
                  <td>{image.format}</td>
                  <td title={`${image.allocationBytes} bytes on disk`}>
                    {formatBytes(image.capacityBytes)}
                  </td>
                  <td data-testid="image-boot">{image.boot.kind}</td>
                  <td data-testid="image-marked">{image.marked ? 'Marked' : 'Not marked'}</td>
                  <td>
                    {isAdmin &&
                      (image.marked ? (
                        <button
                          type="button"
                          aria-label={`Unmark ${image.name} on ${host}`}
                          onClick={() => void setMarked(image, false)}
                        >
                          Unmark
                        </button>
                      ) : (
                        <button
                          type="button"
                          aria-label={`Mark ${image.name} on ${host} as base image`}
                          onClick={() => void setMarked(image, true)}
                        >
                          Mark as base image
                        </button>
                      ))}
                    {confirming === key ? (
                      <span className="images-confirm">
                        <button type="button" onClick={() => void remove(image)}>
                          Confirm removing {image.name} from {host}
                        </button>
                        <button type="button" onClick={() => setConfirming(undefined)}>
                          Keep
                        </button>
                      </span>
                    ) : (
                      <button
                        type="button"
                        aria-label={`Remove ${image.name} from ${host}`}
                        onClick={() => setConfirming(key)}
                      >
                        Remove
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <UploadForm hosts={hosts} pools={pools} onUploaded={reload} />
    </section>
  );
}
