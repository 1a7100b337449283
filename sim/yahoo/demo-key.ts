// The simulator's own RSA key pair for 公開鍵認証 (demo only: it protects nothing real).
// Yahoo issues the public half to the store in ストアクリエイターPro and keeps the private half;
// the simulator plays Yahoo, so it decrypts X-sws-signature with the private exponent below.

export const DEMO_PUBLIC_KEY_PEM = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEArDyVE88K84WwvzW1X5Mx\nKlRw6MSM/zkZQdV/cr+PIMR3ofLzAO7iqkwyV2f7aOzPgnfNIS0y/UC0QsKfHWKh\n7m+ZUHFEszPU0DPTEVBpdvUSD68lLY1mRmqvzsKq0Fo0051ED49YbIhvxJ+n/7jw\nPptCjiCnhSrZAwViSi8FN0yKbZr5q5di8Ck7Rz+zqXLwBEzwB9XXjst50pcWG1SN\nc+Rnx8wklSMi8mH9QchYazOnGFxloWob9ZRWj/m1E+kGz0+3HWdI4gH69oRrIcE7\njnLi57F3LmP9tww8AX67vBAKumTQQWMFySAwxqurMwmGhbtkESrPNdcZ6FaRlT/e\n2wIDAQAB\n-----END PUBLIC KEY-----\n";

/** Modulus, public and private exponents (JWK base64url). */
export const DEMO_KEY_JWK = {
  n: "rDyVE88K84WwvzW1X5MxKlRw6MSM_zkZQdV_cr-PIMR3ofLzAO7iqkwyV2f7aOzPgnfNIS0y_UC0QsKfHWKh7m-ZUHFEszPU0DPTEVBpdvUSD68lLY1mRmqvzsKq0Fo0051ED49YbIhvxJ-n_7jwPptCjiCnhSrZAwViSi8FN0yKbZr5q5di8Ck7Rz-zqXLwBEzwB9XXjst50pcWG1SNc-Rnx8wklSMi8mH9QchYazOnGFxloWob9ZRWj_m1E-kGz0-3HWdI4gH69oRrIcE7jnLi57F3LmP9tww8AX67vBAKumTQQWMFySAwxqurMwmGhbtkESrPNdcZ6FaRlT_e2w",
  e: "AQAB",
  d: "K7_rwi9aQcdYwQkcfB2AZJc0YvviMMZJMx7PE8-yxIkDNmDm9vq3GrjmJKumAd39S8-wjFfV1tyDrV2QWz99kHpKgFN1NuvYh9ZSK9i4IV5Y6yD7GZoMO6DH7YYnK2tudb5B1o370P3LHi_L1bodVFnNyxpiUwIyQ4EvmVZeRdBBmeGN6ieKz978YxsZD-I8lNdC4ToO2OtcZLPtWVJHbfLjKwbwR3CqKq7ooZDpa_5f4vLkOw86YlMGQe4zAec1vtf8ONZMfLLvNSanjWl3ZXPWrN7MamaCaELAWCLxXmagoYQ9Xu9qY2-XpQ94S146P6gdy4Kh21omWjU7Kt5m-Q",
} as const;
