import { Button, Flex } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useState } from 'react';
import type { BaseImage } from '../../../api/images-api';
import { formatBytes } from './upload-progress';

const keyOf = (i: BaseImage) => `${i.pool}/${i.name}`;

/**
 * One host's base images: name, pool, format, size, how it boots, whether it is marked, and the
 * actions (mark/unmark for the administrator; remove after a confirmation in the row).
 */
export function ImagesTable({
  host,
  images,
  isAdmin,
  onMark,
  onRemove,
}: {
  host: string;
  images: BaseImage[];
  isAdmin: boolean;
  onMark: (image: BaseImage, marked: boolean) => void;
  onRemove: (image: BaseImage) => Promise<boolean>;
}) {
  const [confirming, setConfirming] = useState<string>();
  return (
    // A plain data table (PatternFly's default role is an interactive grid, which this is not).
    <Table aria-label={`Base images on ${host}`} variant="compact" role="table">
      <Thead>
        <Tr>
          <Th>Name</Th>
          <Th>Host</Th>
          <Th>Pool</Th>
          <Th>Format</Th>
          <Th>Size</Th>
          <Th>Boot</Th>
          <Th>Base image</Th>
          <Th screenReaderText="Actions" />
        </Tr>
      </Thead>
      <Tbody>
        {images.map((image) => {
          const key = keyOf(image);
          return (
            <Tr key={key} data-testid={`image-${host}-${image.name}`}>
              <Th dataLabel="Name" scope="row" modifier="breakWord">
                {image.name}
              </Th>
              <Td dataLabel="Host">{host}</Td>
              <Td dataLabel="Pool">{image.pool}</Td>
              <Td dataLabel="Format">{image.format}</Td>
              <Td dataLabel="Size" title={`${image.allocationBytes} bytes on disk`}>
                {formatBytes(image.capacityBytes)}
              </Td>
              <Td dataLabel="Boot" data-testid="image-boot">
                {image.boot.kind}
              </Td>
              <Td dataLabel="Base image" data-testid="image-marked">
                {image.marked ? 'Marked' : 'Not marked'}
              </Td>
              <Td isActionCell>
                <Flex gap={{ default: 'gapSm' }} flexWrap={{ default: 'nowrap' }}>
                  {isAdmin &&
                    (image.marked ? (
                      <Button
                        variant="secondary"
                        size="sm"
                        aria-label={`Unmark ${image.name} on ${host}`}
                        onClick={() => onMark(image, false)}
                      >
                        Unmark
                      </Button>
                    ) : (
                      <Button
                        variant="secondary"
                        size="sm"
                        aria-label={`Mark ${image.name} on ${host} as base image`}
                        onClick={() => onMark(image, true)}
                      >
                        Mark as base image
                      </Button>
                    ))}
                  {confirming === key ? (
                    <>
                      <Button
                        variant="danger"
                        size="sm"
                        onClick={() =>
                          void onRemove(image).then((ok) => ok && setConfirming(undefined))
                        }
                      >
                        Confirm removing {image.name} from {host}
                      </Button>
                      <Button variant="link" size="sm" onClick={() => setConfirming(undefined)}>
                        Keep
                      </Button>
                    </>
                  ) : (
                    <Button
                      variant="secondary"
                      isDanger
                      size="sm"
                      aria-label={`Remove ${image.name} from ${host}`}
                      onClick={() => setConfirming(key)}
                    >
                      Remove
                    </Button>
                  )}
                </Flex>
              </Td>
            </Tr>
          );
        })}
      </Tbody>
    </Table>
  );
}
