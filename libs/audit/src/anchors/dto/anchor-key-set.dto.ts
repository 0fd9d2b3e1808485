import { ApiProperty } from '@nestjs/swagger';

/** A public EC P-256 key (RFC 7517). */
export class AnchorKeyDto {
  @ApiProperty({ enum: ['EC'] })
  kty!: 'EC';
  @ApiProperty({ enum: ['P-256'] })
  crv!: 'P-256';
  /** base64url x coordinate. */
  x!: string;
  /** base64url y coordinate. */
  y!: string;
  /** The key id anchors name in their JWS header and `keyId`. */
  kid!: string;
  @ApiProperty({ enum: ['ES256'] })
  alg!: 'ES256';
  @ApiProperty({ enum: ['sig'] })
  use!: 'sig';
}

/** A JSON Web Key Set: every key whose anchors an export may carry. */
export class AnchorKeySetDto {
  @ApiProperty({ type: [AnchorKeyDto] })
  keys!: AnchorKeyDto[];
}
