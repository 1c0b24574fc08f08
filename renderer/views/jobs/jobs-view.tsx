import { PageSection, Title, Content } from '@patternfly/react-core';
import { useMemo } from 'react';
import { useClient } from '../../app/client-context';
import { jobsClientOf } from './jobs-client';
import { JobsHistory } from './jobs-history';
import './jobs.css';

/** The Jobs section: the history per cluster and the program picker; jobs open in the dock. */
export function JobsView() {
  const client = useClient();
  const jobsClient = useMemo(() => jobsClientOf(client), [client]);
  return (
    <PageSection>
      <Title headingLevel="h1">Jobs</Title>
      <Content component="p">
        MPI programs on your clusters: drop a program on a cluster (here, in Topology or in
        Clusters), set how it runs, and each rank's output opens in the dock.
      </Content>
      <JobsHistory client={jobsClient} />
    </PageSection>
  );
}
