import { Injectable, NestMiddleware } from '@nestjs/common';
import express, { Request, RequestHandler, Response } from 'express';
import type { IncomingMessage } from 'node:http';
import { AppError } from '../errors/app-error';
import { FlowgateConfig } from '../config/flowgate-config';

/**
 * The API speaks JSON only. Nest's own body parser is switched off (see `createHttpApp`) and
 * this middleware takes its place, so that a wrong content type, a malformed document or an
 * oversized body each become a precise problem response instead of a generic 400.
 */
@Injectable()
export class JsonBodyMiddleware implements NestMiddleware {
  private readonly parse: RequestHandler;

  constructor(config: FlowgateConfig) {
    this.parse = express.json({ limit: config.http.bodyLimitBytes, strict: true, type: isJsonMediaType });
  }

  async use(req: Request, res: Response, next: () => void): Promise<void> {
    if (!hasBody(req)) return next();
    const contentType = req.headers['content-type'];
    if (!isJsonMediaType(req)) {
      throw new AppError(
        'unsupported_media_type',
        `Request bodies must be application/json; got ${contentType ? `"${contentType}"` : 'no Content-Type'}.`,
      );
    }
    await new Promise<void>((resolve, reject) => {
      this.parse(req, res, (error?: unknown) => (error ? reject(toAppError(error)) : resolve()));
    });
    next();
  }
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function isJsonMediaType(req: IncomingMessage): boolean {
  const mediaType = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaType === 'application/json' || /^application\/[\w.+-]+\+json$/.test(mediaType);
}

/** body-parser reports its failures as http-errors with a `type`; each gets its own meaning. */
function toAppError(error: unknown): AppError {
  const type = (error as { type?: string }).type;
  switch (type) {
    case 'entity.too.large':
      return new AppError('payload_too_large', 'The request body is larger than this API accepts.', { cause: error });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('unsupported_media_type', 'Request bodies must be UTF-8 encoded JSON.', { cause: error });
    case 'entity.parse.failed':
      return new AppError('malformed_request', 'The request body is not valid JSON.', { cause: error });
    default:
      return new AppError('malformed_request', 'The request body could not be read.', { cause: error });
  }
}
