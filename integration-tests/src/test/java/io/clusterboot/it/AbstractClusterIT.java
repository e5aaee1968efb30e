package io.clusterboot.it;

import org.junit.jupiter.api.AfterEach;

/**
 * Base class of tests that start one cluster per test: whatever happens in the test,
 * every process of that cluster is killed when it ends.
 */
abstract class AbstractClusterIT {

	protected ClusterProcess cluster;

	@AfterEach
	void closeCluster() {
		if (this.cluster != null) {
			this.cluster.close();
			this.cluster = null;
		}
	}

}
