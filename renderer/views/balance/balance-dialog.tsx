import {
  Alert,
  Button,
  Content,
  Form,
  FormGroup,
  FormHelperText,
  Grid,
  GridItem,
  HelperText,
  HelperTextItem,
  List,
  ListItem,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  Switch,
  TextInput,
  Title,
} from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useEffect, useId, useState } from 'react';
import type { BalanceAuto, BalancePlan } from '../../../api/migration-api';
import { useClient } from '../../app/client-context';
import { dialogLayer } from '../../app/dialog-layer';
import { errorMessage, notify } from '../../app/notifications';
import { useAppStore } from '../../state/app-store';
import {
  FIELD_LABELS,
  formOf,
  hostName,
  hostRows,
  imbalanceText,
  parseForm,
  type BalanceField,
  type BalanceForm,
} from './balance-form';

const FIELDS: BalanceField[] = [
  'cpuHighPercent',
  'cpuLowPercent',
  'memoryHighPercent',
  'memoryLowPercent',
  'windowSeconds',
];

/**
 * Balance hosts (administrator): the policy, a preview of the moves with their reasons and the
 * imbalance before and after, Apply (one task, followed in the Tasks tab), and automatic mode,
 * which only ever proposes a plan.
 */
export function BalanceDialog({ onClose }: { onClose: () => void }) {
  const client = useClient();
  const showDockTab = useAppStore((s) => s.showDockTab);
  const titleId = useId();
  const [auto, setAuto] = useState<BalanceAuto>();
  const [form, setForm] = useState<BalanceForm>();
  const [plan, setPlan] = useState<BalancePlan>();
  const [busy, setBusy] = useState<'preview' | 'apply' | 'auto'>();
  const [failure, setFailure] = useState<string>();

  useEffect(() => {
    client.balance.auto({}).then(
      (a) => {
        setAuto(a);
        setForm((f) => f ?? formOf(a.policy));
      },
      (err: unknown) => setFailure(errorMessage(err)),
    );
  }, [client]);

  const parsed = form ? parseForm(form) : undefined;
  const errors = parsed?.errors ?? {};

  const run = async (what: 'preview' | 'apply' | 'auto', action: () => Promise<void>) => {
    setBusy(what);
    setFailure(undefined);
    try {
      await action();
    } catch (err) {
      setFailure(errorMessage(err));
    } finally {
      setBusy(undefined);
    }
  };

  const preview = () =>
    parsed?.policy &&
    void run('preview', async () => setPlan(await client.balance.preview(parsed.policy)));

  const apply = () =>
    plan &&
    void run('apply', async () => {
      const task = await client.balance.apply({ planId: plan.planId });
      notify({
        variant: 'info',
        title: 'Balancing started',
        detail: `${task.title}: follow it in the Tasks tab.`,
        action: { label: 'Show in Tasks', run: () => showDockTab('tasks') },
      });
      showDockTab('tasks');
      onClose();
    });

  const toggleAuto = (enabled: boolean) =>
    parsed?.policy &&
    void run('auto', async () =>
      setAuto(await client.balance.setAuto({ enabled, policy: parsed.policy })),
    );

  return (
    <Modal
      isOpen
      variant="large"
      aria-labelledby={titleId}
      onClose={onClose}
      appendTo={dialogLayer}
      data-testid="balance-dialog"
    >
      <ModalHeader title="Balance hosts" labelId={titleId} />
      <ModalBody>
        {failure && (
          <Alert isInline variant="danger" role="alert" title="Balancing refused">
            {failure}
          </Alert>
        )}
        {form && (
          <Form
            onSubmit={(e) => {
              e.preventDefault();
              preview();
            }}
          >
            <Content component="p">
              A host whose load stays over a high threshold for the window sheds VMs to hosts under
              both low thresholds. Nothing moves until you apply the plan.
            </Content>
            <Grid hasGutter md={4}>
              {FIELDS.map((field) => (
                <GridItem key={field}>
                  <FormGroup label={FIELD_LABELS[field]} fieldId={`balance-${field}`}>
                    <TextInput
                      id={`balance-${field}`}
                      type="number"
                      value={form[field]}
                      validated={errors[field] ? 'error' : 'default'}
                      onChange={(_e, value) => setForm({ ...form, [field]: value })}
                    />
                    {errors[field] && (
                      <FormHelperText>
                        <HelperText>
                          <HelperTextItem variant="error">{errors[field]}</HelperTextItem>
                        </HelperText>
                      </FormHelperText>
                    )}
                  </FormGroup>
                </GridItem>
              ))}
            </Grid>
            <Switch
              id="balance-keep-spread"
              label="Keep clusters spread (never put two nodes of a cluster on one host when another host could take one)"
              isChecked={form.keepClustersSpread}
              onChange={(_e, on) => setForm({ ...form, keepClustersSpread: on })}
            />
            <Switch
              id="balance-auto"
              label="Automatic mode: propose a plan when a host stays over its thresholds (never applied by itself)"
              isChecked={auto?.enabled ?? false}
              isDisabled={busy !== undefined || !parsed?.policy}
              onChange={(_e, on) => toggleAuto(on)}
            />
            {auto?.proposal && (
              <Alert isInline variant="info" title="Latest automatic proposal">
                {auto.proposal.moves.length} move{auto.proposal.moves.length === 1 ? '' : 's'},
                proposed at {new Date(auto.proposal.createdAt).toLocaleTimeString()}.{' '}
                <Button variant="link" isInline onClick={() => setPlan(auto.proposal)}>
                  Show the proposal
                </Button>
              </Alert>
            )}
          </Form>
        )}
        {plan && <PlanView plan={plan} />}
      </ModalBody>
      <ModalFooter>
        <Button
          variant="secondary"
          isLoading={busy === 'preview'}
          isDisabled={busy !== undefined || !parsed?.policy}
          onClick={preview}
        >
          Preview
        </Button>
        <Button
          variant="primary"
          isLoading={busy === 'apply'}
          isDisabled={busy !== undefined || !plan || plan.moves.length === 0}
          onClick={apply}
        >
          Apply
        </Button>
        <Button variant="link" onClick={onClose}>
          Close
        </Button>
      </ModalFooter>
    </Modal>
  );
}

function PlanView({ plan }: { plan: BalancePlan }) {
  return (
    <section aria-label="Balance plan" data-testid="balance-plan">
      <Title headingLevel="h2" size="md">
        {imbalanceText(plan)}
      </Title>
      {plan.notes.length > 0 && (
        <List aria-label="Notes">
          {plan.notes.map((n) => (
            <ListItem key={n}>{n}</ListItem>
          ))}
        </List>
      )}
      {plan.moves.length > 0 && (
        <Table aria-label="Moves" variant="compact">
          <Thead>
            <Tr>
              <Th>VM</Th>
              <Th>From</Th>
              <Th>To</Th>
              <Th>Reason</Th>
            </Tr>
          </Thead>
          <Tbody>
            {plan.moves.map((m) => (
              <Tr key={m.vm.uuid}>
                <Td dataLabel="VM">{m.vm.name}</Td>
                <Td dataLabel="From">{hostName(plan, m.fromHostId)}</Td>
                <Td dataLabel="To">{hostName(plan, m.toHostId)}</Td>
                <Td dataLabel="Reason">{m.reason}</Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
      <Table aria-label="Host load before and after" variant="compact">
        <Thead>
          <Tr>
            <Th>Host</Th>
            <Th>CPU</Th>
            <Th>Memory</Th>
          </Tr>
        </Thead>
        <Tbody>
          {hostRows(plan).map((h) => (
            <Tr key={h.hostId}>
              <Td dataLabel="Host">{h.name}</Td>
              <Td dataLabel="CPU">{h.cpu}</Td>
              <Td dataLabel="Memory">{h.memory}</Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
    </section>
  );
}
