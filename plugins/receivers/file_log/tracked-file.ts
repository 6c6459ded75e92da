// One file the receiver has open: its identity (fingerprint id + inode), where reading stands, and what has
// been acknowledged downstream. The open handle pins the inode, so a rename keeps the same TrackedFile and an
// inode cannot be reused under it.
import type { FileHandle } from 'node:fs/promises';
import type { FileCheckpoint } from './checkpoint-state.js';
import { LineSplitter } from './line-splitter.js';

export class TrackedFile {
  /** Stable part of the record ids: `<id>:<offset>`. */
  id: string;
  matchHash: string;
  matchLength: number;
  path: string;
  readonly dev: number;
  readonly ino: number;
  readonly handle: FileHandle;
  /** Next byte to read. */
  readOffset: number;
  /** Every line before this offset was accepted downstream. */
  committed: number;
  readonly splitter: LineSplitter;
  /** Consecutive polls in which no include glob listed this file (rotated away or deleted). */
  missedPolls = 0;
  /** Bytes read by the last drain. */
  lastReadBytes = 0;

  constructor(init: {
    id: string; matchHash: string; matchLength: number; path: string; dev: number; ino: number; handle: FileHandle;
    offset: number; maxLineBytes: number; encoding: BufferEncoding;
  }) {
    this.id = init.id;
    this.matchHash = init.matchHash;
    this.matchLength = init.matchLength;
    this.path = init.path;
    this.dev = init.dev;
    this.ino = init.ino;
    this.handle = init.handle;
    this.readOffset = init.offset;
    this.committed = init.offset;
    this.splitter = new LineSplitter(init.offset, init.maxLineBytes, init.encoding);
  }

  get key(): string {
    return `${this.dev}:${this.ino}`;
  }

  toCheckpoint(): FileCheckpoint {
    return {
      id: this.id, matchHash: this.matchHash, matchLength: this.matchLength,
      path: this.path, dev: this.dev, ino: this.ino, offset: this.committed,
    };
  }

  /** The file was truncated or rewritten: start again at 0 under a new identity. */
  restart(id: string, matchHash: string, matchLength: number): void {
    this.id = id;
    this.matchHash = matchHash;
    this.matchLength = matchLength;
    this.readOffset = 0;
    this.committed = 0;
    this.splitter.reset(0);
  }
}
