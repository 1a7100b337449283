// Measures what code asks of D1, through the real binding: every statement is forwarded as is,
// and the rows each one read (D1's meta.rows_read) are added up. drizzle reads selects with
// raw(), which reports no meta, so a select is run once more with all() just to read its meta.

export interface D1Meter {
  db: D1Database;
  statements: number;
  rowsRead: number;
  log: { sql: string; rowsRead: number }[];
}

export function meterD1(real: D1Database): D1Meter {
  const meter: D1Meter = { db: real, statements: 0, rowsRead: 0, log: [] };
  const note = (sql: string, rows: number) => {
    meter.statements++;
    meter.rowsRead += rows;
    meter.log.push({ sql: sql.replace(/\s+/g, " ").slice(0, 160), rowsRead: rows });
  };
  const wrap = (sql: string, stmt: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(stmt, {
      get(target, prop) {
        if (prop === "__real") return target;
        if (prop === "bind") return (...args: unknown[]) => wrap(sql, target.bind(...args));
        if (prop === "run" || prop === "all") {
          return async () => {
            const res = await (target as any)[prop]();
            note(sql, res.meta?.rows_read ?? 0);
            return res;
          };
        }
        if (prop === "first") {
          return async (col?: string) => {
            const res = await target.all();
            note(sql, res.meta?.rows_read ?? 0);
            const row = res.results[0] as Record<string, unknown> | undefined;
            return row === undefined ? null : col ? row[col] : row;
          };
        }
        if (prop === "raw") {
          return async (opts?: { columnNames?: boolean }) => {
            const counted = await target.all();
            note(sql, counted.meta?.rows_read ?? 0);
            return (target.raw as any)(opts);
          };
        }
        const v = (target as any)[prop];
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
  meter.db = new Proxy(real, {
    get(target, prop) {
      if (prop === "prepare") {
        return (sql: string) => {
          return wrap(sql, target.prepare(sql));
        };
      }
      if (prop === "batch") {
        return async (stmts: D1PreparedStatement[]) => {
          const res = await target.batch(stmts.map((s) => (s as any).__real ?? s));
          for (const r of res) note("batch", r.meta?.rows_read ?? 0);
          return res;
        };
      }
      const v = (target as any)[prop];
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  return meter;
}
