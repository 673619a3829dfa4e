import { describe, expect, it } from 'vitest';
import { describeDatabaseError, sqliteCode } from './database-errors';

const sqliteError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('describeDatabaseError', () => {
  const file = '/home/u/.mle-beast/mle_beast.db';
  it('names the file and the fix for each SQLite failure a user can meet', () => {
    const cases: [string, RegExp][] = [
      ['SQLITE_BUSY', /is locked: another process.*Wait until it is done/],
      ['SQLITE_BUSY_SNAPSHOT', /is locked/],
      ['SQLITE_READONLY', /is read-only.*chmod u\+w/],
      ['SQLITE_READONLY_DIRECTORY', /is read-only/],
      ['SQLITE_CANTOPEN', /cannot open .*can be read and written/],
      ['SQLITE_NOTADB', /is damaged.*restore a backup/],
      ['SQLITE_CORRUPT', /is damaged/],
      ['SQLITE_FULL', /disk is full/],
      ['SQLITE_IOERR_WRITE', /could not be read or written/],
    ];
    for (const [code, pattern] of cases) {
      const text = describeDatabaseError(sqliteError(code, 'sqlite said so'), file);
      expect(text, code).toMatch(pattern);
      expect(text, code).toContain(file);
      // Another database is a fix for every problem of the file itself, not for a lock that will pass.
      if (!code.startsWith('SQLITE_BUSY')) expect(text, code).toContain('MLE_BEAST_DB_PATH');
    }
  });

  it('leaves other errors alone', () => {
    expect(describeDatabaseError(new Error('boom'), file)).toBeNull();
    expect(describeDatabaseError(Object.assign(new Error('x'), { code: 'ENOENT' }), file)).toBeNull();
    expect(sqliteCode(null)).toBeNull();
  });
});
