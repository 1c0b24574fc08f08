import { EmptyState, EmptyStateBody, PageSection, Title } from '@patternfly/react-core';
import { CubesIcon } from '@patternfly/react-icons';
import type { ReactNode } from 'react';

/** A section whose feature is still to come: what it will show, and what to do meanwhile. */
export function PlaceholderView(props: {
  title: string;
  emptyTitle: string;
  text: ReactNode;
  next?: ReactNode;
}) {
  return (
    <PageSection
      aria-labelledby="view-title"
      component="section"
      padding={{ default: 'noPadding' }}
    >
      <Title headingLevel="h1" id="view-title">
        {props.title}
      </Title>
      <EmptyState titleText={props.emptyTitle} headingLevel="h2" icon={CubesIcon}>
        <EmptyStateBody>{props.text}</EmptyStateBody>
        {props.next && <EmptyStateBody>{props.next}</EmptyStateBody>}
      </EmptyState>
    </PageSection>
  );
}
