// Real image builds on two cores: generous, but bounded.
jest.setTimeout(10 * 60 * 1000);
