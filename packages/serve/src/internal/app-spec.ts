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

/** One HTTP proxy (one per node with `proxyLocation: 'EveryNode'`). */
export interface ProxyStatus {
  /** Node the proxy runs on. */
  nodeId: string;
  /** Interface it listens on (RunOptions.host). */
  host: string;
  /** Port it listens on (RunOptions.port, + k for the k-th node of a host; see the README). */
  port: number;
  /** `host:port` to reach it at (for host 0.0.0.0: the node's address). */
  address: string;
  /** STARTING, HEALTHY, or UNHEALTHY (failed to start or died; started again after a while). */
  status: 'STARTING' | 'HEALTHY' | 'UNHEALTHY';
  /** Why it is unhealthy. */
  message?: string;
}

/** What `serve.status()` returns. */
export interface ServeStatus {
  /** Where the head node's HTTP proxy (the first proxy) listens, once started. */
  proxy?: { host: string; port: number };
  /** Every HTTP proxy, the head node's first. */
  proxies?: ProxyStatus[];
  applications: Record<string, ApplicationStatus>;
}
