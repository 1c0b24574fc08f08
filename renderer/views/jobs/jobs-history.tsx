import {
  Alert,
  Button,
  EmptyState,
  EmptyStateBody,
  Flex,
  FormSelect,
  FormSelectOption,
  Spinner,
} from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { Job } from '../../../api/jobs-api';
import { errorMessage, notify } from '../../app/notifications';
import { TimeAgo, useNow } from '../../app/time-ago';
import { RowActions, type RowAction } from '../vm-ops/row-actions';
import { downloadOutput } from './download-output';
import type { JobsClient } from './jobs-client';
import { isCancellable, isFinished, parametersText, durationText, statusText } from './job-text';
import { jobsOf, useJobsStore } from './jobs-store';
import { offerProgram, programDropProps } from './program-drop';
import { filesOfInput } from './read-drop';

/**
 * A cluster's job history with a way to run a program on it: the table (status in words,
 * program, parameters, duration, start) with each job's actions, and a file picker that is also
 * a drop target.
 */
export function JobsHistory({ client }: { client: JobsClient }) {
  const clusterId = useId();
  const [clusters, setClusters] = useState<string[]>();
  const [clustersError, setClustersError] = useState<string>();
  const cluster = useJobsStore((s) => s.cluster);
  const select = useJobsStore((s) => s.selectCluster);
  const load = useJobsStore((s) => s.load);
  const all = useJobsStore((s) => s.jobs);
  const loaded = useJobsStore((s) => (cluster ? s.loaded[cluster] : undefined));
  const jobs = useMemo(() => (cluster ? jobsOf(all, cluster) : []), [all, cluster]);

  useEffect(() => {
    client.clusters.list({}).then(
      (list) => {
        const names = list.map((c) => c.name).sort();
        setClusters(names);
        const current = useJobsStore.getState().cluster;
        if (!current || !names.includes(current)) select(names[0]);
      },
      (err: unknown) => setClustersError(errorMessage(err)),
    );
  }, [client, select]);
  useEffect(() => {
    if (cluster) void load(client, cluster);
  }, [client, cluster, load]);

  return (
    <div className="jobs-history">
      <Flex alignItems={{ default: 'alignItemsCenter' }} className="jobs-toolbar">
        <label htmlFor={clusterId}>Cluster</label>
        <FormSelect
          id={clusterId}
          className="jobs-cluster-select"
          value={cluster ?? ''}
          isDisabled={!clusters || clusters.length === 0}
          onChange={(_e, v) => select(v || undefined)}
        >
          {(clusters ?? []).map((c) => (
            <FormSelectOption key={c} value={c} label={c} />
          ))}
          {clusters?.length === 0 && <FormSelectOption value="" label="No cluster yet" />}
        </FormSelect>
        {cluster && <ProgramPicker cluster={cluster} />}
      </Flex>
      {clustersError && (
        <Alert isInline variant="danger" role="alert" title="Could not read the clusters">
          {clustersError}
        </Alert>
      )}
      {loaded?.error && (
        <Alert isInline variant="danger" role="alert" title="Could not read the jobs">
          {loaded.error}
        </Alert>
      )}
      {clusters?.length === 0 ? (
        <EmptyState variant="xs" titleText="No jobs yet" headingLevel="h2">
          <EmptyStateBody>
            MPI jobs run on a cluster: create one in Clusters, then drop a program on it. Corral
            builds it on a node, copies it to every node, runs it with mpirun, and each rank's
            output gets its own pane in the dock.
          </EmptyStateBody>
        </EmptyState>
      ) : !cluster ? null : !loaded ? (
        <Spinner size="lg" aria-label="Loading the jobs" />
      ) : jobs.length === 0 ? (
        <EmptyState variant="xs" titleText={`No jobs on ${cluster} yet.`} headingLevel="h3">
          <EmptyStateBody>
            Drop a program (C, C++ or Fortran sources, a folder, an archive or an x86-64 binary) on
            the cluster in Topology or Clusters, or choose its files here: Corral builds it on a
            node, copies it to every node and runs it with mpirun.
          </EmptyStateBody>
        </EmptyState>
      ) : (
        <JobsTable jobs={jobs} client={client} cluster={cluster} />
      )}
    </div>
  );
}

/** File and folder choosers for `cluster` that also take a drop. */
function ProgramPicker({ cluster }: { cluster: string }) {
  const files = useRef<HTMLInputElement>(null);
  const folder = useRef<HTMLInputElement>(null);
  useEffect(() => {
    // React has no prop for it: lets the chooser pick a folder, with relative paths.
    folder.current?.setAttribute('webkitdirectory', '');
  }, []);
  const take = (input: HTMLInputElement | null) => {
    if (!input?.files || input.files.length === 0) return;
    offerProgram(cluster, filesOfInput(input.files));
    input.value = '';
  };
  return (
    <div
      className="jobs-picker"
      role="group"
      aria-label={`Run a program on ${cluster}`}
      {...programDropProps(cluster)}
    >
      <span>Drop a program here, or</span>
      <input
        ref={files}
        type="file"
        multiple
        hidden
        aria-label={`Program files for ${cluster}`}
        onChange={() => take(files.current)}
      />
      <input
        ref={folder}
        type="file"
        hidden
        aria-label={`Program folder for ${cluster}`}
        onChange={() => take(folder.current)}
      />
      <Button variant="secondary" size="sm" onClick={() => files.current?.click()}>
        Choose files…
      </Button>
      <Button variant="secondary" size="sm" onClick={() => folder.current?.click()}>
        Choose a folder…
      </Button>
    </div>
  );
}

function JobsTable({
  jobs,
  client,
  cluster,
}: {
  jobs: Job[];
  client: JobsClient;
  cluster: string;
}) {
  const now = useNow();
  return (
    <Table aria-label={`Jobs on ${cluster}`} variant="compact" role="table">
      <Thead>
        <Tr>
          <Th>Status</Th>
          <Th>Program</Th>
          <Th>Parameters</Th>
          <Th>Duration</Th>
          <Th>Started</Th>
          <Th screenReaderText="Actions" />
        </Tr>
      </Thead>
      <Tbody>
        {jobs.map((job) => (
          <Tr key={job.id} data-testid={`job-${job.id}`}>
            <Td dataLabel="Status" data-testid="job-status">
              {statusText(job)}
            </Td>
            <Td dataLabel="Program">
              <Button
                variant="link"
                isInline
                aria-label={`Open job ${job.program.name} started ${job.startedAt}`}
                onClick={() => useJobsStore.getState().openJob(job.id)}
              >
                {job.program.name}
              </Button>
            </Td>
            <Td dataLabel="Parameters">{parametersText(job.run)}</Td>
            <Td dataLabel="Duration">{durationText(job.startedAt, job.endedAt, now)}</Td>
            <Td dataLabel="Started">
              <TimeAgo when={job.startedAt} />
            </Td>
            <Td isActionCell>
              <RowActions
                label={`Actions for job ${job.program.name} started ${job.startedAt}`}
                actions={jobActions(job, client)}
              />
            </Td>
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
}

/** What can be done with a job: open, run again, cancel or delete, save a rank's output. */
export function jobActions(job: Job, client: JobsClient): RowAction[] {
  const store = useJobsStore.getState();
  const fail = (title: string) => (err: unknown) =>
    notify({ variant: 'danger', title, detail: errorMessage(err) });
  const actions: RowAction[] = [
    { label: 'Open', onClick: () => store.openJob(job.id) },
    {
      label: 'Re-run',
      isDisabled: !isFinished(job.status),
      onClick: () =>
        client.jobs.rerun({ id: job.id }).then((j) => {
          store.put(j);
          store.openJob(j.id);
        }, fail('The job was not run again')),
    },
    {
      label: 'Re-run with changes…',
      isDisabled: !isFinished(job.status),
      onClick: () => store.rerun(job),
    },
  ];
  if (isCancellable(job.status)) {
    actions.push({
      label: 'Cancel',
      isDanger: true,
      onClick: () => client.jobs.cancel({ id: job.id }).then(store.put, fail('Not cancelled')),
    });
  }
  actions.push({
    label: 'Delete',
    isDanger: true,
    isDisabled: !isFinished(job.status),
    onClick: () =>
      client.jobs.remove({ id: job.id }).then(() => store.remove(job.id), fail('Not deleted')),
  });
  for (const r of [...job.ranks].sort((a, b) => a.rank - b.rank)) {
    for (const fd of ['stdout', 'stderr'] as const) {
      const bytes = fd === 'stdout' ? r.stdoutBytes : r.stderrBytes;
      actions.push({
        label: `Download ${fd} of rank ${r.rank}`,
        isDisabled: bytes === 0,
        onClick: () => void downloadOutput(client, job, r.rank, fd).catch(fail('No download')),
      });
    }
  }
  return actions;
}
