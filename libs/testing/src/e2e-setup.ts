// End-to-end tests run real models through real services: give them minutes, not seconds.
jest.setTimeout(300_000);
