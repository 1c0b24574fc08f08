import { Tab, Tabs, TabTitleText } from '@patternfly/react-core';
import { useEffect, useMemo } from 'react';
import { useClient } from '../../app/client-context';
import { jobsClientOf } from './jobs-client';
import { JobsHistory } from './jobs-history';
import { JobPage } from './job-page';
import { pruneOutputs } from './job-outputs';
import { jobLabel } from './job-text';
import { useJobsStore } from './jobs-store';
import './jobs.css';

/** The dock's Jobs tab: the history of a cluster's jobs and a page per opened job. */
export function JobsPanel() {
  const client = useClient();
  const jobsClient = useMemo(() => jobsClientOf(client), [client]);
  const open = useJobsStore((s) => s.open);
  const active = useJobsStore((s) => s.active);
  const jobs = useJobsStore((s) => s.jobs);
  const openJob = useJobsStore((s) => s.openJob);
  const showHistory = useJobsStore((s) => s.showHistory);
  useEffect(() => pruneOutputs(open), [open]);
  // A job opened before its first event arrived: read it.
  useEffect(() => {
    for (const id of open) {
      if (!jobs[id]) void jobsClient.jobs.get({ id }).then(useJobsStore.getState().put, () => {});
    }
  }, [open, jobs, jobsClient]);

  return (
    <div className="jobs-panel">
      <Tabs
        aria-label="Job pages"
        activeKey={active}
        onSelect={(_e, key) => (key === 'history' ? showHistory() : openJob(String(key)))}
        mountOnEnter
        unmountOnExit
      >
        {[
          <Tab key="history" eventKey="history" title={<TabTitleText>History</TabTitleText>}>
            <JobsHistory client={jobsClient} />
          </Tab>,
          ...open.map((id) => {
            const job = jobs[id];
            return (
              <Tab
                key={id}
                eventKey={id}
                title={<TabTitleText>{job ? jobLabel(job) : id.slice(0, 8)}</TabTitleText>}
              >
                {job ? <JobPage job={job} client={jobsClient} /> : <p>Reading the job…</p>}
              </Tab>
            );
          }),
        ]}
      </Tabs>
    </div>
  );
}
