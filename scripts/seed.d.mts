// Types of what the browser tests (test/e2e) import from seed.mjs.
export declare const DEMO_EMAIL: string;
export declare const DEMO_OWNER_NAME: string;
export declare const DEMO_PASSWORD: string;
export declare const DEMO_PRODUCTS: { masterCode: string; name: string; onHand: number; group?: string }[];
export declare const DEMO_SET: { masterCode: string; name: string; components: { masterCode: string; quantity: number }[] };
export declare const DEMO_STAFF: { role: "admin" | "staff" | "viewer"; email: string; name: string; password: string }[];
export declare function seedStaff(base: string): Promise<typeof DEMO_STAFF>;
