package io.visionroi.cluster;

import com.hazelcast.config.Config;
import io.vertx.core.Completable;
import io.vertx.core.Vertx;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.core.spi.cluster.RegistrationListener;
import io.vertx.core.spi.cluster.RegistrationUpdateEvent;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hazelcast as Vert.x's cluster manager, with the event bus's routing kept fresh. Vert.x caches, per address,
 * which nodes have handlers and updates that cache only from the cluster manager's events. After the parts
 * of a split cluster merge, a node misses some of them (the merged member's entry listener does not survive
 * Hazelcast's merge, and Vert.x 5.0 does nothing on "registrations lost"), so until it restarts it keeps
 * sending an address to a node that no longer handles it: asks for a camera that moved fail for good
 * (eclipse-vertx/vert.x#5202). Every {@value #REFRESH_MILLIS} ms this reads again the registrations of each
 * address the node routes and hands them to Vert.x as an update: one read of the cluster's map per address.
 */
public final class RefreshingClusterManager extends HazelcastClusterManager {

  static final long REFRESH_MILLIS = 2000;

  /** Addresses whose routing Vert.x asked for; dropped once Vert.x no longer caches them. */
  private final Set<String> routed = ConcurrentHashMap.newKeySet();
  private volatile RegistrationListener listener;
  private Vertx vertx;
  private long timer = -1;

  public RefreshingClusterManager(Config config) {
    super(config);
  }

  @Override
  public void init(Vertx vertx) {
    super.init(vertx);
    this.vertx = vertx;
  }

  @Override
  public void registrationListener(RegistrationListener listener) {
    this.listener = listener;
    super.registrationListener(listener);
  }

  @Override
  public void join(Completable<Void> promise) {
    super.join((done, failure) -> {
      if (failure == null) {
        timer = vertx.setPeriodic(REFRESH_MILLIS, id -> refresh());
      }
      promise.complete(done, failure);
    });
  }

  @Override
  public void leave(Completable<Void> promise) {
    vertx.cancelTimer(timer);
    super.leave(promise);
  }

  @Override
  public void getRegistrations(String address, Completable<List<RegistrationInfo>> promise) {
    routed.add(address);
    super.getRegistrations(address, promise);
  }

  private void refresh() {
    RegistrationListener routing = listener;
    if (routing == null) {
      return;
    }
    for (String address : routed) {
      if (!routing.wantsUpdatesFor(address)) {
        routed.remove(address);
        continue;
      }
      super.getRegistrations(address, (registrations, failure) -> {
        if (failure == null && routing.wantsUpdatesFor(address)) {
          routing.registrationsUpdated(new RegistrationUpdateEvent(address, registrations));
        }
      });
    }
  }
}
