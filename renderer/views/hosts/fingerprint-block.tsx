import {
  ClipboardCopyButton,
  CodeBlock,
  CodeBlockAction,
  CodeBlockCode,
} from '@patternfly/react-core';
import { useId, useState } from 'react';

/**
 * A host key fingerprint in a code block with a copy button, so it can be pasted next to what the
 * host prints and compared character by character.
 */
export function FingerprintBlock({ fingerprint, testId }: { fingerprint: string; testId: string }) {
  const id = useId();
  const [copied, setCopied] = useState(false);
  return (
    <CodeBlock
      actions={
        <CodeBlockAction>
          <ClipboardCopyButton
            id={`${id}-copy`}
            textId={`${id}-text`}
            aria-label="Copy the fingerprint"
            variant="plain"
            onClick={() => {
              void navigator.clipboard?.writeText(fingerprint).then(() => setCopied(true));
            }}
            onTooltipHidden={() => setCopied(false)}
          >
            {copied ? 'Copied' : 'Copy the fingerprint'}
          </ClipboardCopyButton>
        </CodeBlockAction>
      }
    >
      <CodeBlockCode id={`${id}-text`} data-testid={testId}>
        {fingerprint}
      </CodeBlockCode>
    </CodeBlock>
  );
}
