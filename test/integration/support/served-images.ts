import { createClient, type ClientConnection } from '../../../api/client';
import { corralAccess } from '../../../api/corral-access';
import { serve } from '../../../api/dispatcher';
import { imagesApi } from '../../../api/images-api';
import { createInMemoryPair } from '../../../api/in-memory-transport';
import type { ImagesService } from '../../../core/images/images-service';

export const imagesOnlyApi = { images: imagesApi } as const;

/**
 * `service` alone behind the images contract over the in-memory transport, so uploads run
 * through the real dispatcher and byte streams. Who may call it is proven in the accounts tests.
 */
export function serveImages(service: ImagesService): ClientConnection<typeof imagesOnlyApi> {
  const [serverEnd, clientEnd] = createInMemoryPair();
  serve({
    contract: imagesOnlyApi,
    impl: {
      images: {
        list: (_, ctx) => service.list(ctx),
        pools: () => service.pools(),
        upload: (t, s, ctx) => service.upload(t, s, ctx),
        remove: (i) => service.remove(i),
        mark: (r) => service.mark(r),
        unmark: (r) => service.unmark(r),
      },
    },
    access: { images: corralAccess.images },
    authorize: () => {},
    transport: serverEnd,
    context: { sessionId: 'it' },
  });
  return createClient(imagesOnlyApi, clientEnd);
}
