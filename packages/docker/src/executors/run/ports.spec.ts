import { publishSpec } from './ports';

describe('published ports', () => {
  it('bind to the given address (loopback by default in the executor) unless the spec names one', () => {
    expect(publishSpec('8000:8000', '127.0.0.1')).toBe('127.0.0.1:8000:8000');
    expect(publishSpec('8000:8000/udp', '127.0.0.1')).toBe('127.0.0.1:8000:8000/udp');
    expect(publishSpec('8000', '127.0.0.1')).toBe('127.0.0.1::8000');
    expect(publishSpec('0.0.0.0:8080:8000', '127.0.0.1')).toBe('0.0.0.0:8080:8000');
    expect(publishSpec('127.0.0.1::8000', '127.0.0.1')).toBe('127.0.0.1::8000');
    expect(publishSpec('8080:8000', '0.0.0.0')).toBe('0.0.0.0:8080:8000');
  });
});
