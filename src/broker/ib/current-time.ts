import { EventName } from "@stoqey/ib";
import type { IbConnection } from "./ib-connection.js";

/** The gateway's clock (reqCurrentTime): IB answers with whole seconds since the epoch. */
export function readCurrentTime(conn: IbConnection): Promise<Date> {
  return conn.request<Date>({
    what: "the current time",
    send: (api) => api.reqCurrentTime(),
    listen: (done) => {
      const onTime = (seconds: number) => done(new Date(seconds * 1000));
      conn.api.on(EventName.currentTime, onTime);
      return () => conn.api.off(EventName.currentTime, onTime);
    },
  });
}
