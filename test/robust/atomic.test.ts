/**
 * Issue 13.8: writes are atomic. A failure at any step (a full disk while writing, fsync, rename)
 * leaves the previous file exactly as it was, no temporary file behind, and the CLI exits 2.
 */
import * as fs from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/harness.js';
import { describeWriteError, writeFileAtomic, type WriteFs } from '../../src/core/atomic-write.js';
import { FIXTURES, tempDir } from './helpers.js';

const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

/** Real fs, except that `step` fails after `afterBytes` bytes were written (a disk filling up). */
function failingFs(step: 'writeSync' | 'fsyncSync' | 'renameSync', afterBytes = 0): WriteFs {
  let written = 0;
  return {
    ...fs,
    writeSync: ((fd: number, buf: Buffer, off: number, len: number) => {
      if (step === 'writeSync' && written + len > afterBytes) {
        const n = afterBytes - written;
        if (n <= 0) throw enospc();
        written += fs.writeSync(fd, buf, off, n);
        return n;
      }
      written += len;
      return fs.writeSync(fd, buf, off, len);
    }) as WriteFs['writeSync'],
    fsyncSync: ((fd: number) => {
      if (step === 'fsyncSync') throw Object.assign(new Error('EIO'), { code: 'EIO' });
      fs.fsyncSync(fd);
    }) as WriteFs['fsyncSync'],
    renameSync: ((a: string, b: string) => {
      if (step === 'renameSync') throw Object.assign(new Error('EXDEV'), { code: 'EXDEV' });
      fs.renameSync(a, b);
    }) as WriteFs['renameSync'],
  };
}

describe('writeFileAtomic', () => {
  for (const step of ['writeSync', 'fsyncSync', 'renameSync'] as const) {
    it(`a failure in ${step} leaves the old file intact and no temporary file`, () => {
      const dir = tempDir();
      const target = join(dir, 'baseline.json');
      fs.writeFileSync(target, 'OLD CONTENT');
      expect(() => writeFileAtomic(target, 'x'.repeat(100_000), failingFs(step, 4096))).toThrow();
      expect(fs.readFileSync(target, 'utf8')).toBe('OLD CONTENT');
      expect(fs.readdirSync(dir)).toEqual(['baseline.json']);
    });
  }

  it('replaces the content, keeps the mode and writes through a symlink to its target', () => {
    const dir = tempDir();
    const real = join(dir, 'real.json');
    fs.writeFileSync(real, 'old');
    fs.chmodSync(real, 0o640);
    const link = join(dir, 'link.json');
    fs.symlinkSync('real.json', link);
    writeFileAtomic(link, 'new');
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(real, 'utf8')).toBe('new');
    expect(fs.statSync(real).mode & 0o777).toBe(0o640);
    expect(fs.readdirSync(dir).sort()).toEqual(['link.json', 'real.json']);
  });

  it('creates a new file, and names errors', () => {
    const dir = tempDir();
    writeFileAtomic(join(dir, 'new.txt'), 'hello');
    expect(fs.readFileSync(join(dir, 'new.txt'), 'utf8')).toBe('hello');
    expect(describeWriteError(enospc())).toBe('ENOSPC (no space left on device)');
    expect(() => writeFileAtomic(join(dir, 'missing', 'x.txt'), 'x')).toThrow(/ENOENT/);
  });
});

describe('the CLI writers use it', () => {
  it('-o replaces an existing file whole and leaves no temporary file', async () => {
    const dir = tempDir();
    const out = join(dir, 'report.json');
    fs.writeFileSync(out, 'x'.repeat(1_000_000)); // longer than the new content: a truncating write would be needed
    const r = await runCli(['prices', 'gpt-4o', '--format', 'json', '-o', out]);
    expect(r.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(out, 'utf8')).models[0].id).toBe('gpt-4o');
    expect(fs.readdirSync(dir)).toEqual(['report.json']);
  });

  it('-o into a missing directory exits 2 and says so', async () => {
    const r = await runCli(['prices', 'gpt-4o', '-o', join(tempDir(), 'no', 'such', 'out.txt')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot write .*out\.txt: ENOENT/);
  });

  it.runIf(fs.existsSync('/proc/version'))(
    '-o into a directory whose file system takes no new file (/proc) says that, not "no such directory"',
    async () => {
      // /proc/version exists and is a regular file, but procfs creates no temporary file beside it (ENOENT)
      const r = await runCli(['prices', 'gpt-4o', '-o', '/proc/version']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('cannot write /proc/version: ENOENT (/proc takes no new file)');
      expect(r.stderr).not.toContain('no such directory');
    },
  );

  it('a file system that refuses the temporary file with ENOENT is told apart from a missing directory', () => {
    const dir = tempDir();
    const refusing: WriteFs = {
      ...fs,
      openSync: (() => {
        throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      }) as WriteFs['openSync'],
    };
    let err: unknown;
    try {
      writeFileAtomic(join(dir, 'out.txt'), 'x', refusing);
    } catch (e) {
      err = e;
    }
    expect(describeWriteError(err)).toBe(`ENOENT (${dir} takes no new file)`);
  });

  it('-o that cannot be written is said before any work (the logs are not read)', async () => {
    // before: simulate replayed every log, then failed to write; an input that does not exist shows no read happens
    const out = join(tempDir(), 'no', 'such', 'out.txt');
    const r = await runCli(['simulate', 'no/such/logs', '-s', join(FIXTURES, 'scenarios', 'demo.yaml'), '-o', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`tokenomics: error: cannot write ${out}: ENOENT (no such directory)\nhint: check the path, or write elsewhere\n`);
  });

  it('check --update-baseline writes the baseline through the atomic writer', async () => {
    const dir = tempDir();
    fs.cpSync(join(FIXTURES, 'check'), dir, { recursive: true });
    const r = await runCli(['check', '--update-baseline'], { cwd: dir });
    expect(r.code).toBe(0);
    const doc = JSON.parse(fs.readFileSync(join(dir, 'baseline.json'), 'utf8'));
    expect(doc.command).toBe('check');
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
