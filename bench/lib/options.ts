import { parseArgs } from 'node:util';

export interface BenchOptions {
  messages: number;
  videoShare: number;
  videoMinMb: number;
  videoMaxMb: number;
  /** Entry counts for the export/digest timings. */
  entrySizes: number[];
  idleRounds: number;
  /** Size of the one video in the "Giant" folder (peak RSS whatever the attachment size); 0: none. */
  giantMb: number;
  /** Contenders to run (default all): fetch, parse, naive, intake. */
  only: Set<string>;
  quick: boolean;
}

export const USAGE = `npm run bench -- [options]

  --messages N        messages in the synthetic mailbox (default 1000)
  --quick             a 200-message smoke run
  --video-mb A-B      size range of the video attachments in MB (default 20-60)
  --video-share S     share of messages that are registrations with a video (default 0.2)
  --entries A,B       entry counts for the export and digest timings (default 1000,10000)
  --only LIST         contenders to run, of fetch,parse,naive,intake (default all)
  --idle-rounds N     rounds of the idle-poll comparison (default 20)
  --giant-mb N        one more mailbox with a single N MB video, to show peak RSS does not follow it (default 500; 0: skip)`;

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      messages: { type: 'string' }, quick: { type: 'boolean', default: false }, 'video-mb': { type: 'string', default: '20-60' },
      'video-share': { type: 'string', default: '0.2' }, entries: { type: 'string', default: '1000,10000' },
      only: { type: 'string', default: 'fetch,parse,naive,intake' }, 'idle-rounds': { type: 'string', default: '20' },
      'giant-mb': { type: 'string', default: '500' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const messages = Number(values.messages ?? (values.quick ? 200 : 1000));
  const range = /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/.exec(values['video-mb']);
  const videoShare = Number(values['video-share']);
  if (!Number.isInteger(messages) || messages < 10) throw new Error('--messages: a whole number, at least 10');
  if (!range || Number(range[1]) > Number(range[2])) throw new Error('--video-mb: a range like 20-60');
  if (!(videoShare >= 0 && videoShare <= 0.8)) throw new Error('--video-share: between 0 and 0.8');
  return {
    messages, videoShare, videoMinMb: Number(range[1]), videoMaxMb: Number(range[2]),
    entrySizes: values.entries.split(',').map(Number).filter((n) => n > 0),
    idleRounds: Math.max(3, Number(values['idle-rounds'])),
    giantMb: Math.max(0, Number(values['giant-mb'])),
    only: new Set(values.only.split(',').map((s) => s.trim())),
    quick: values.quick,
  };
}
