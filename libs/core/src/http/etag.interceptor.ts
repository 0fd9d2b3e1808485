import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { map, Observable } from 'rxjs';
import { etagOf } from './etag';
import type { HttpReply } from './http-types';

/** Sends the ETag a service attached with `withETag`, for every route, so controllers stay thin. */
@Injectable()
export class ETagInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      map((body: unknown) => {
        const etag = etagOf(body);
        if (etag) context.switchToHttp().getResponse<HttpReply>().header('ETag', etag);
        return body;
      }),
    );
  }
}
