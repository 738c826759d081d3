/** What the driver sends the controller to deploy an application (plain data and handles). */
import type { ResolvedDeploymentOptions } from '../options.js';
import type { DefinitionKey } from './registry.js';

/** One deployment of an application. */
export interface DeploymentSpec {
  name: string;
  definition: DefinitionKey;
  /** Methods of the class's prototype. */
  methods: string[];
  options: ResolvedDeploymentOptions;
  /** Constructor arguments, bound deployments replaced by DeploymentHandles. */
  args: unknown[];
}

/** An application. */
export interface AppSpec {
  name: string;
  routePrefix: string | null;
  ingress: string;
  requestTimeoutS: number;
  readyTimeoutMs: number;
  deployments: DeploymentSpec[];
  /** Version of the code (config deploys: a hash of the entry module); equal versions allow in-place updates. */
  codeVersion?: string;
}

/** Status of one deployment. */
export interface DeploymentStatus {
  /** UPDATING while replicas start, HEALTHY when the target count runs, UNHEALTHY when starting failed. */
  status: 'UPDATING' | 'HEALTHY' | 'UNHEALTHY';
  /** Replicas wanted now (changes with autoscaling). */
  targetReplicas: number;
  /** Replicas running. */
  runningReplicas: number;
  /** Actor names of the running replicas (namespace 'serve'). */
  replicaNames: string[];
  /** Last error that made a replica fail to start, if any. */
  message?: string;
}

/** Status of one application. */
export interface ApplicationStatus {
  status: 'DEPLOYING' | 'RUNNING' | 'UNHEALTHY';
  routePrefix: string | null;
  ingress: string;
  deployments: Record<string, DeploymentStatus>;
}

/** What `serve.status()` returns. */
export interface ServeStatus {
  /** Where the HTTP proxy listens, once started. */
  proxy?: { host: string; port: number };
  applications: Record<string, ApplicationStatus>;
}
