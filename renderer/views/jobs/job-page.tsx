import {
  Alert,
  Button,
  Flex,
  List,
  ListItem,
  Tab,
  Tabs,
  TabTitleText,
  Title,
} from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useState } from 'react';
import type { BuildDiagnostic, Job, RankState } from '../../../api/jobs-api';
import { errorMessage, notify } from '../../app/notifications';
import { useNow } from '../../app/time-ago';
import { formatBytes } from '../images/upload-progress';
import type { JobsClient } from './jobs-client';
import { jobOutput } from './job-outputs';
import {
  durationText,
  firstFailureText,
  isCancellable,
  jobLabel,
  parametersText,
  rankOutcome,
  rankTitle,
  statusText,
  timelineRows,
} from './job-text';
import { useJobsStore } from './jobs-store';
import { TerminalPane } from './terminal-pane';

/** "main.c:12:5: error: expected ';'": a diagnostic as one line of text. */
export function diagnosticText(d: BuildDiagnostic): string {
  const where = d.column === undefined ? `${d.file}:${d.line}` : `${d.file}:${d.line}:${d.column}`;
  return `${where}: ${d.severity}: ${d.message}`;
}

/**
 * One job: status and Cancel, the first failure, the ranks' timeline, the build's output and
 * its diagnostics, and the output per rank (stderr marked) or merged with rank tags.
 */
export function JobPage({ job, client }: { job: Job; client: JobsClient }) {
  const out = jobOutput(client, job.id);
  const watch = useJobsStore((s) => s.watch[job.id]);
  const close = useJobsStore((s) => s.closeJob);
  const now = useNow();
  const [cancelling, setCancelling] = useState(false);
  // Until the user picks a view: the build while nothing runs, the ranks once there are any.
  const [picked, setView] = useState<'ranks' | 'merged' | 'build'>();
  const hasRanks = job.ranks.length > 0 || (watch?.ranks.length ?? 0) > 0;
  const view = picked ?? (hasRanks ? 'ranks' : 'build');
  const failure = firstFailureText(job);
  // Panes for every rank the job lists, and for any that wrote before the list said so.
  const ranks = new Map<number, RankState | undefined>();
  for (const r of job.ranks) ranks.set(r.rank, r);
  for (const r of watch?.ranks ?? []) if (!ranks.has(r)) ranks.set(r, undefined);
  const label = jobLabel(job);

  const cancel = () => {
    setCancelling(true);
    client.jobs
      .cancel({ id: job.id })
      .then(useJobsStore.getState().put, (err: unknown) =>
        notify({
          variant: 'danger',
          title: 'The job was not cancelled',
          detail: errorMessage(err),
        }),
      )
      .finally(() => setCancelling(false));
  };

  return (
    <section className="job-page" aria-label={`Job ${label}`}>
      <Flex alignItems={{ default: 'alignItemsCenter' }} className="job-page-header">
        <Title headingLevel="h3" size="md">
          {job.program.name} on {job.cluster}
        </Title>
        <span data-testid="job-page-status">Status: {statusText(job)}</span>
        <span>{durationText(job.startedAt, job.endedAt, now)}</span>
        <span className="job-page-params">{parametersText(job.run)}</span>
        {isCancellable(job.status) && (
          <Button
            variant="danger"
            size="sm"
            isLoading={cancelling}
            isDisabled={cancelling}
            aria-label={`Cancel job ${label}`}
            onClick={cancel}
          >
            Cancel
          </Button>
        )}
        <Button
          variant="link"
          size="sm"
          aria-label={`Close job ${label}`}
          onClick={() => close(job.id)}
        >
          Close
        </Button>
      </Flex>
      {failure && <Alert isInline isPlain variant="danger" title={`First failure: ${failure}`} />}
      {watch?.error && (
        <Alert isInline isPlain variant="warning" title="The output stopped arriving">
          {watch.error}
        </Alert>
      )}
      <Timeline job={job} />
      <Tabs
        aria-label={`Output of job ${label}`}
        activeKey={view}
        onSelect={(_e, k) => setView(k as typeof view)}
        mountOnEnter
        unmountOnExit
        isBox
      >
        <Tab eventKey="ranks" title={<TabTitleText>Per rank</TabTitleText>}>
          <div className="job-rank-grid">
            {[...ranks.entries()]
              .sort((a, b) => a[0] - b[0])
              .map(([rank, state]) => (
                <TerminalPane
                  key={rank}
                  term={out.rank(rank)}
                  title={state ? rankTitle(state) : `rank ${rank}`}
                  meta={state ? rankMeta(state) : 'no state yet'}
                  testId={`rank-pane-${rank}`}
                />
              ))}
            {ranks.size === 0 && <p>No rank has started yet.</p>}
          </div>
        </Tab>
        <Tab eventKey="merged" title={<TabTitleText>Merged</TabTitleText>}>
          <TerminalPane
            term={out.merged}
            title="All ranks, tagged"
            meta="Each line starts with its rank; stderr lines say stderr."
            testId="merged-pane"
          />
        </Tab>
        <Tab eventKey="build" title={<TabTitleText>Build</TabTitleText>}>
          <BuildSection job={job} term={out.build} />
        </Tab>
      </Tabs>
    </section>
  );
}

/** A rank's state and the size of its streams, in words. */
function rankMeta(r: RankState): string {
  const sizes = `stdout ${formatBytes(r.stdoutBytes)}, stderr ${formatBytes(r.stderrBytes)}`;
  return `${rankOutcome(r)}; ${sizes}${r.truncated ? '; output past the limit was dropped' : ''}`;
}

function BuildSection({ job, term }: { job: Job; term: ReturnType<typeof jobOutput>['build'] }) {
  const d = job.build.diagnostics;
  return (
    <div className="job-build">
      <TerminalPane
        term={term}
        title="Build output"
        meta={
          job.build.exitCode === undefined
            ? job.launchNode
              ? `on ${job.launchNode}`
              : undefined
            : `exit code ${job.build.exitCode}${job.launchNode ? ` on ${job.launchNode}` : ''}`
        }
        testId="build-pane"
      />
      <Title headingLevel="h4" size="md">
        Diagnostics
      </Title>
      {d.length === 0 ? (
        <p>No compiler messages.</p>
      ) : (
        <List aria-label="Diagnostics" isPlain>
          {d.map((x, i) => (
            <ListItem key={i} className={`job-diag job-diag-${x.severity}`}>
              {diagnosticText(x)}
            </ListItem>
          ))}
        </List>
      )}
    </div>
  );
}

/** When each rank started and ended, and how, relative to the job's start. */
function Timeline({ job }: { job: Job }) {
  const rows = timelineRows(job);
  if (rows.length === 0) return null;
  const sec = (s: number | undefined) => (s === undefined ? '–' : `${s} s`);
  return (
    <Table aria-label="Rank timeline" variant="compact" role="table" className="job-timeline">
      <Thead>
        <Tr>
          <Th>Rank</Th>
          <Th>Node</Th>
          <Th>Started</Th>
          <Th>Ended</Th>
          <Th>Outcome</Th>
        </Tr>
      </Thead>
      <Tbody>
        {rows.map((r) => (
          <Tr key={r.rank} data-testid={`timeline-rank-${r.rank}`}>
            <Td dataLabel="Rank">{r.rank}</Td>
            <Td dataLabel="Node">{r.node}</Td>
            <Td dataLabel="Started">{sec(r.startSecond)}</Td>
            <Td dataLabel="Ended">{sec(r.endSecond)}</Td>
            <Td dataLabel="Outcome" className={r.failed ? 'job-failed' : undefined}>
              {r.failed ? `failed: ${r.outcome}` : r.outcome}
            </Td>
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
}
