-- Custom SQL (drizzle-kit cannot express virtual tables or triggers).
-- 1. products_search: an FTS5 index of master code and name with the trigram tokenizer, so a
--    search for any substring of 3 or more characters (Japanese included: trigram needs no word
--    breaks) is an index lookup instead of a LIKE over every product of the account. External
--    content: the text lives once, in products; the triggers below keep the index in step.
-- 2. grid_unstocked and grid_unsynced (tables from the grid_status_tables migration), kept by triggers on products, stock and
--    listings: the 商品管理 状態 filters 在庫少 and 未反映 start from them. The triggers insert only
--    when the row is absent (NOT EXISTS), never with INSERT OR IGNORE: an outer upsert (the drain's
--    ON CONFLICT DO UPDATE) imposes its own conflict handling on the statements of its triggers.
CREATE VIRTUAL TABLE products_search USING fts5(master_code, name, content='products', content_rowid='id', tokenize='trigram');
--> statement-breakpoint
INSERT INTO products_search(products_search) VALUES('rebuild');
--> statement-breakpoint
CREATE TRIGGER products_search_ai AFTER INSERT ON products BEGIN
  INSERT INTO products_search(rowid, master_code, name) VALUES (NEW.id, NEW.master_code, NEW.name);
  INSERT INTO grid_unstocked (product_id, account_id)
    SELECT NEW.id, NEW.account_id WHERE NOT EXISTS (SELECT 1 FROM stock s WHERE s.product_id = NEW.id)
      AND NOT EXISTS (SELECT 1 FROM grid_unstocked g WHERE g.product_id = NEW.id);
END;
--> statement-breakpoint
CREATE TRIGGER products_search_ad AFTER DELETE ON products BEGIN
  INSERT INTO products_search(products_search, rowid, master_code, name) VALUES ('delete', OLD.id, OLD.master_code, OLD.name);
  DELETE FROM grid_unstocked WHERE product_id = OLD.id;
  DELETE FROM grid_unsynced WHERE product_id = OLD.id;
END;
--> statement-breakpoint
CREATE TRIGGER products_search_au AFTER UPDATE OF master_code, name ON products BEGIN
  INSERT INTO products_search(products_search, rowid, master_code, name) VALUES ('delete', OLD.id, OLD.master_code, OLD.name);
  INSERT INTO products_search(rowid, master_code, name) VALUES (NEW.id, NEW.master_code, NEW.name);
END;
--> statement-breakpoint
INSERT OR IGNORE INTO grid_unstocked (product_id, account_id)
  SELECT p.id, p.account_id FROM products p WHERE NOT EXISTS (SELECT 1 FROM stock s WHERE s.product_id = p.id);
--> statement-breakpoint
CREATE TRIGGER grid_stock_ai AFTER INSERT ON stock BEGIN
  DELETE FROM grid_unstocked WHERE product_id = NEW.product_id;
  DELETE FROM grid_unsynced WHERE product_id = NEW.product_id AND NOT EXISTS (SELECT 1 FROM listings l WHERE l.product_id = NEW.product_id AND l.managed = 1
      AND (l.last_sent_at IS NULL OR l.last_sent_at < COALESCE((SELECT s.updated_at FROM stock s WHERE s.product_id = NEW.product_id), 0)));
  INSERT INTO grid_unsynced (product_id, account_id)
    SELECT p.id, p.account_id FROM products p WHERE p.id = NEW.product_id AND EXISTS (SELECT 1 FROM listings l WHERE l.product_id = NEW.product_id AND l.managed = 1
      AND (l.last_sent_at IS NULL OR l.last_sent_at < COALESCE((SELECT s.updated_at FROM stock s WHERE s.product_id = NEW.product_id), 0))) AND NOT EXISTS (SELECT 1 FROM grid_unsynced g WHERE g.product_id = NEW.product_id);
END;
--> statement-breakpoint
CREATE TRIGGER grid_stock_au AFTER UPDATE OF updated_at ON stock BEGIN
  DELETE FROM grid_unsynced WHERE product_id = NEW.product_id AND NOT EXISTS (SELECT 1 FROM listings l WHERE l.product_id = NEW.product_id AND l.managed = 1
      AND (l.last_sent_at IS NULL OR l.last_sent_at < COALESCE((SELECT s.updated_at FROM stock s WHERE s.product_id = NEW.product_id), 0)));
  INSERT INTO grid_unsynced (product_id, account_id)
    SELECT p.id, p.account_id FROM products p WHERE p.id = NEW.product_id AND EXISTS (SELECT 1 FROM listings l WHERE l.product_id = NEW.product_id AND l.managed = 1
      AND (l.last_sent_at IS NULL OR l.last_sent_at < COALESCE((SELECT s.updated_at FROM stock s WHERE s.product_id = NEW.product_id), 0))) AND NOT EXISTS (SELECT 1 FROM grid_unsynced g WHERE g.product_id = NEW.product_id);
END;
--> statement-breakpoint
CREATE TRIGGER grid_stock_ad AFTER DELETE ON stock BEGIN
  INSERT INTO grid_unstocked (product_id, account_id) SELECT p.id, p.account_id FROM products p WHERE p.id = OLD.product_id
    AND NOT EXISTS (SELECT 1 FROM grid_unstocked g WHERE g.product_id = OLD.product_id);
  DELETE FROM grid_unsynced WHERE product_id = OLD.product_id AND NOT EXISTS (SELECT 1 FROM listings l WHERE l.product_id = OLD.product_id AND l.managed = 1
      AND (l.last_sent_at IS NULL OR l.last_sent_at < COALESCE((SELECT s.updated_at FROM stock s WHERE s.product_id = OLD.product_id), 0)));
  INSERT INTO grid_unsynced (product_id, account_id)
    SELECT p.id, p.account_id FROM products p WHERE p.id = OLD.product_id AND EXISTS (SELECT 1 FROM listings l WHERE l.product_id = OLD.product_id AND l.managed = 1
      AND (l.last_sent_at IS NULL OR l.last_sent_at < COALESCE((SELECT s.updated_at FROM stock s WHERE s.product_id = OLD.product_id), 0))) AND NOT EXISTS (SELECT 1 FROM grid_unsynced g WHERE g.product_id = OLD.product_id);
END;
--> statement-breakpoint
CREATE TRIGGER grid_listings_ai AFTER INSERT ON listings BEGIN
  DELETE FROM grid_unsynced WHERE product_id = NEW.product_id AND NOT EXISTS (SELECT 1 FROM listings l WHERE l.product_id = NEW.product_id AND l.managed = 1
      AND (l.last_sent_at IS NULL OR l.last_sent_at < COALESCE((SELECT s.updated_at FROM stock s WHERE s.product_id = NEW.product_id), 0)));
  INSERT INTO grid_unsynced (product_id, account_id)
    SELECT p.id, p.account_id FROM products p WHERE p.id = NEW.product_id AND EXISTS (SELECT 1 FROM listings l WHERE l.product_id = NEW.product_id AND l.managed = 1
      AND (l.last_sent_at IS NULL OR l.last_sent_at < COALESCE((SELECT s.updated_at FROM stock s WHERE s.product_id = NEW.product_id), 0))) AND NOT EXISTS (SELECT 1 FROM grid_unsynced g WHERE g.product_id = NEW.product_id);
END;
--> statement-breakpoint
CREATE TRIGGER grid_listings_au AFTER UPDATE OF managed, last_sent_at, product_id ON listings BEGIN
  DELETE FROM grid_unsynced WHERE product_id = OLD.product_id AND NOT EXISTS (SELECT 1 FROM listings l WHERE l.product_id = OLD.product_id AND l.managed = 1
      AND (l.last_sent_at IS NULL OR l.last_sent_at < COALESCE((SELECT s.updated_at FROM stock s WHERE s.product_id = OLD.product_id), 0)));
  INSERT INTO grid_unsynced (product_id, account_id)
    SELECT p.id, p.account_id FROM products p WHERE p.id = OLD.product_id AND EXISTS (SELECT 1 FROM listings l WHERE l.product_id = OLD.product_id AND l.managed = 1
      AND (l.last_sent_at IS NULL OR l.last_sent_at < COALESCE((SELECT s.updated_at FROM stock s WHERE s.product_id = OLD.product_id), 0))) AND NOT EXISTS (SELECT 1 FROM grid_unsynced g WHERE g.product_id = OLD.product_id);
  DELETE FROM grid_unsynced WHERE product_id = NEW.product_id AND NOT EXISTS (SELECT 1 FROM listings l WHERE l.product_id = NEW.product_id AND l.managed = 1
      AND (l.last_sent_at IS NULL OR l.last_sent_at < COALESCE((SELECT s.updated_at FROM stock s WHERE s.product_id = NEW.product_id), 0)));
  INSERT INTO grid_unsynced (product_id, account_id)
    SELECT p.id, p.account_id FROM products p WHERE p.id = NEW.product_id AND EXISTS (SELECT 1 FROM listings l WHERE l.product_id = NEW.product_id AND l.managed = 1
      AND (l.last_sent_at IS NULL OR l.last_sent_at < COALESCE((SELECT s.updated_at FROM stock s WHERE s.product_id = NEW.product_id), 0))) AND NOT EXISTS (SELECT 1 FROM grid_unsynced g WHERE g.product_id = NEW.product_id);
END;
--> statement-breakpoint
CREATE TRIGGER grid_listings_ad AFTER DELETE ON listings BEGIN
  DELETE FROM grid_unsynced WHERE product_id = OLD.product_id AND NOT EXISTS (SELECT 1 FROM listings l WHERE l.product_id = OLD.product_id AND l.managed = 1
      AND (l.last_sent_at IS NULL OR l.last_sent_at < COALESCE((SELECT s.updated_at FROM stock s WHERE s.product_id = OLD.product_id), 0)));
  INSERT INTO grid_unsynced (product_id, account_id)
    SELECT p.id, p.account_id FROM products p WHERE p.id = OLD.product_id AND EXISTS (SELECT 1 FROM listings l WHERE l.product_id = OLD.product_id AND l.managed = 1
      AND (l.last_sent_at IS NULL OR l.last_sent_at < COALESCE((SELECT s.updated_at FROM stock s WHERE s.product_id = OLD.product_id), 0))) AND NOT EXISTS (SELECT 1 FROM grid_unsynced g WHERE g.product_id = OLD.product_id);
END;
--> statement-breakpoint
INSERT OR IGNORE INTO grid_unsynced (product_id, account_id)
  SELECT p.id, p.account_id FROM products p WHERE EXISTS (SELECT 1 FROM listings l WHERE l.product_id = p.id AND l.managed = 1
    AND (l.last_sent_at IS NULL OR l.last_sent_at < COALESCE((SELECT s.updated_at FROM stock s WHERE s.product_id = p.id), 0)));
