import { describe, expect, it } from 'vitest';
import { readS3Settings } from '../../../shared/config/s3-env.js';

describe('S3 settings from the environment', () => {
  it('applies the documented defaults: AWS, us-east-1, virtual-host style, 8 MiB parts, checksums WHEN_REQUIRED', () => {
    expect(readS3Settings({})).toEqual({
      endpoint: undefined,
      region: 'us-east-1',
      forcePathStyle: false,
      sse: undefined,
      sseKmsKeyId: undefined,
      storageClass: undefined,
      partSizeBytes: 8 * 1024 * 1024,
      uploadQueueSize: 2,
      checksumCalculation: 'WHEN_REQUIRED',
      checksumValidation: 'WHEN_REQUIRED',
    });
  });

  it('prefers S2D_S3_ENDPOINT over AWS_ENDPOINT_URL_S3 and turns on path style for a custom endpoint unless told not to', () => {
    expect(readS3Settings({ AWS_ENDPOINT_URL_S3: 'http://b:9000' })).toMatchObject({ endpoint: 'http://b:9000', forcePathStyle: true });
    expect(readS3Settings({ S2D_S3_ENDPOINT: 'http://a:9000', AWS_ENDPOINT_URL_S3: 'http://b:9000', S2D_S3_FORCE_PATH_STYLE: 'false' })).toMatchObject({
      endpoint: 'http://a:9000',
      forcePathStyle: false,
    });
    expect(
      readS3Settings({ S2D_S3_SSE: 'aws:kms', S2D_S3_SSE_KMS_KEY_ID: 'k-1', S2D_S3_PART_SIZE_MIB: '16', S2D_S3_CHECKSUM_CALCULATION: 'WHEN_SUPPORTED', AWS_REGION: 'eu-west-1' }),
    ).toMatchObject({ sse: 'aws:kms', sseKmsKeyId: 'k-1', partSizeBytes: 16 * 1024 * 1024, checksumCalculation: 'WHEN_SUPPORTED', region: 'eu-west-1' });
  });

  it('names the variable of a bad value', () => {
    expect(() => readS3Settings({ S2D_S3_PART_SIZE_MIB: '4' })).toThrow(/S2D_S3_PART_SIZE_MIB/);
    expect(() => readS3Settings({ S2D_S3_SSE: 'des' })).toThrow(/S2D_S3_SSE/);
    expect(() => readS3Settings({ S2D_S3_SSE_KMS_KEY_ID: 'k' })).toThrow(/needs S2D_S3_SSE=aws:kms/);
    expect(() => readS3Settings({ S2D_S3_CHECKSUM_VALIDATION: 'ALWAYS' })).toThrow(/S2D_S3_CHECKSUM_VALIDATION/);
  });
});
