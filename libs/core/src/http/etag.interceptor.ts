import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { map, Observable } from 'rxjs';
import { etagOf } from './etag';

/** Sends the ETag a service attached with `withETag`, for every route, so controllers stay thin. */
@Injectable()
export class ETagInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      map((body: unknown) => {
        const etag = etagOf(body);
        if (etag) context.switchToHttp().getResponse<Response>().setHeader('ETag', etag);
        return body;
      }),
    );
  }
}
