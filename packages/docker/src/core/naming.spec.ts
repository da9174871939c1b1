import { splitReference } from './image-ref';
import { contentTag, expandTags, imageRepository, sanitizeRepository } from './naming';

describe('image naming', () => {
  it('derives valid repositories from project names', () => {
    expect(sanitizeRepository('@org/Ingestion_API')).toBe('org/ingestion_api');
    expect(sanitizeRepository('My App!')).toBe('my-app');
    expect(imageRepository({ projectName: 'api', projectRoot: 'apps/api' })).toBe('api');
    expect(imageRepository({ projectName: 'api', projectRoot: 'apps/api' }, 'team/{projectName}', '127.0.0.1:5000/')).toBe('127.0.0.1:5000/team/api');
    expect(imageRepository({ projectName: 'api', projectRoot: 'apps/api', dockerfileName: 'worker' })).toBe('api-worker');
  });

  it('content tags come from the task hash; unknown template variables drop the tag', () => {
    expect(contentTag('1234567890')).toBe('nx-1234567890');
    expect(expandTags(['latest', '{gitSha}', '{branch}', 'v{version}'], { projectName: 'a', projectRoot: 'a', branch: 'feature/x y' })).toEqual([
      'latest',
      'feature-x-y',
    ]);
  });

  it('splits references without mistaking a registry port for a tag', () => {
    expect(splitReference('127.0.0.1:5000/api:nx-1')).toEqual({ repository: '127.0.0.1:5000/api', tag: 'nx-1', digest: undefined });
    expect(splitReference('127.0.0.1:5000/api@sha256:ab')).toEqual({ repository: '127.0.0.1:5000/api', digest: 'sha256:ab' });
  });
});
