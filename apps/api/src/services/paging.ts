/** How many pages of `pageSize` items hold `total` items. */
export const totalPages = (total: number, pageSize: number): number => Math.ceil(total / pageSize);

/** One page of a paginated answer: its items, and where it sits among `total` items. */
export function pageOf<T>(items: T[], total: number, request: { page: number; pageSize: number }) {
  return {
    items,
    total,
    page: request.page,
    page_size: request.pageSize,
    total_pages: totalPages(total, request.pageSize),
  };
}
