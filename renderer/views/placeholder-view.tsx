export function PlaceholderView({ title, text }: { title: string; text: string }) {
  return (
    <section aria-labelledby="view-title">
      <h1 id="view-title">{title}</h1>
      <p className="muted">{text}</p>
    </section>
  );
}
