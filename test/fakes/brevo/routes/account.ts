/** GET /v3/account: a plausible free-plan account (getAccount schema). In the 100-per-hour bucket. */
import type { HandlerMap } from './context.js';

export const accountHandlers: HandlerMap = {
  getAccount: () => ({
    status: 200,
    body: {
      organization_id: 'fake-org-0001',
      user_id: 1,
      enterprise: false,
      email: 'owner@example.com',
      firstName: 'Fake',
      lastName: 'Owner',
      companyName: 'Fake Brevo Account',
      address: { street: '1 Test Street', city: 'Paris', zipCode: '75001', country: 'France' },
      plan: [{ type: 'free', creditsType: 'sendLimit', credits: 300 }],
      relay: { enabled: true, data: { userName: 'owner@example.com', relay: 'smtp-relay.brevo.com', port: 587 } },
      marketingAutomation: { enabled: false },
    },
  }),
};
