import { App } from 'aws-cdk-lib';
import { stageConfig } from './config/stages';
import { defineDirectory } from './directory-app';

// Stacks are environment-agnostic on purpose: synthesis needs no credentials, lookups or network,
// and the account/region come from the deploying profile.
const app = new App();
defineDirectory(app, stageConfig(app.node.tryGetContext('stage')));
app.synth();
