import { expect, type Locator, type Page } from '@playwright/test';

/** The dock's Tasks tab, opened from wherever the dock stands (collapsed, or on another tab). */
export async function openTasksTab(page: Page): Promise<Locator> {
  const tab = page.getByRole('tab', { name: /^Tasks/ });
  if (!(await tab.isVisible()))
    await page.getByRole('button', { name: 'Consoles and jobs' }).click();
  await tab.click();
  await expect(tab).toHaveAttribute('aria-selected', 'true');
  return page.getByRole('tabpanel', { name: /^Tasks/ });
}

/** The table of tasks in the Tasks tab. */
export const tasksTable = (page: Page) => page.getByRole('table', { name: 'Tasks', exact: true });

/** A task's row in the Tasks tab, found by its title (the row header). */
export const taskRow = (page: Page, title: string | RegExp) =>
  tasksTable(page)
    .getByRole('row')
    .filter({ has: page.getByRole('rowheader', { name: title }) });

/** Opens a task's steps and log; returns its steps table. */
export async function openTaskDetails(page: Page, title: string): Promise<Locator> {
  const toggle = page.getByRole('button', { name: `Details of ${title}` });
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  return page.getByRole('table', { name: `Steps of ${title}` });
}
