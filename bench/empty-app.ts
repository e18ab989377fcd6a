/** Baseline for the synth benchmark: an App with one empty stack, synthesised the same way. */
import { App, Stack } from 'aws-cdk-lib';

const app = new App();
new Stack(app, 'Empty');
app.synth();
